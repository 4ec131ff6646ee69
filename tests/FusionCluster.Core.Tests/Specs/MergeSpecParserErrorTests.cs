using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Tests.Specs;

/// <summary>Every rejected spec must say where (source, line, key path) and what is wrong.</summary>
public sealed class MergeSpecParserErrorTests
{
    private static string Fails(string yaml) => Assert.Throws<SpecException>(() => MergeSpecParser.Parse(yaml, "spec.yaml")).Message;

    [Fact]
    public void Unknown_top_level_key_names_key_line_and_allowed_keys()
    {
        var message = Fails("""
            merge_method: linear
            models:
              - model: a
            merge_methd: ties
            """);
        Assert.StartsWith("spec.yaml line 4: merge_methd: unknown key 'merge_methd' (did you mean 'merge_method'?) in the top level", message);
        Assert.Contains("allowed keys: merge_method, base_model, models, slices", message);
    }

    [Theory]
    [InlineData("tiez", " (did you mean 'ties'?)")]
    [InlineData("frankenmerge", "")]
    public void Unknown_method_names_its_line_and_the_method_it_is_closest_to(string method, string hint)
    {
        var message = Fails($"models:\n  - model: a\nmerge_method: {method}\n");
        Assert.StartsWith($"spec.yaml line 3: merge_method: unknown merge_method '{method}'{hint}; known methods: ", message);
        Assert.Contains(", ties, ", message);
    }

    [Fact]
    public void A_parameter_the_method_does_not_take_is_refused_at_its_line()
    {
        var message = Fails("""
            merge_method: ties
            base_model: b
            models:
              - model: a
                parameters: {weight: 1, densty: 0.5}
            """);
        Assert.StartsWith("spec.yaml line 5: models[0].parameters.densty: merge_method 'ties' has no parameter 'densty' (did you mean 'density'? it accepts: ", message);
        Assert.Contains("density", message[message.IndexOf("accepts", StringComparison.Ordinal)..]);

        var global = Fails("merge_method: ties\nbase_model: b\nmodels:\n  - model: a\nparameters:\n  epsilon: 0.1\n");
        Assert.StartsWith("spec.yaml line 6: parameters.epsilon: merge_method 'ties' has no parameter 'epsilon' (it accepts: ", global);
    }

    [Fact]
    public void Unknown_nested_key_names_full_path_and_line()
    {
        var message = Fails("""
            merge_method: linear
            models:
              - model: a
              - model: b
                parameter:
                  weight: 1
            """);
        Assert.StartsWith("spec.yaml line 5: models[1].parameter: unknown key 'parameter' (did you mean 'parameters'?)", message);
        Assert.Contains("allowed keys: model, parameters", message);
    }

    [Fact]
    public void Unknown_key_in_slice_source_and_in_conditional_entry()
    {
        Assert.StartsWith("spec.yaml line 5: slices[0].sources[0].layers_range: unknown key", Fails("""
            merge_method: passthrough
            slices:
              - sources:
                  - model: a
                    layers_range: [0, 2]
            """));
        Assert.StartsWith("spec.yaml line 6: parameters.t[0].filtr: unknown key 'filtr'", Fails("""
            merge_method: slerp
            models:
              - model: a
            parameters:
              t:
                - filtr: mlp
                  value: 1
            """));
    }

    [Fact]
    public void Models_and_slices_together_are_rejected()
    {
        var message = Fails("""
            merge_method: linear
            models:
              - model: a
            slices:
              - sources:
                  - model: a
                    layer_range: [0, 2]
            """);
        Assert.StartsWith("spec.yaml line 4: slices: give either models: or slices:, not both", message);
    }

    [Fact]
    public void Neither_models_nor_slices_is_rejected()
    {
        Assert.StartsWith("spec.yaml line 1: models: the spec needs either models:", Fails("merge_method: linear\nbase_model: a\n"));
        Assert.StartsWith("spec.yaml line 2: models: the list is empty", Fails("merge_method: linear\nmodels: []\n"));
    }

    [Fact]
    public void Missing_merge_method_is_rejected()
    {
        Assert.StartsWith("spec.yaml line 1: merge_method: merge_method is required", Fails("models:\n  - model: a\n"));
        Assert.StartsWith("spec.yaml line 1: merge_method: merge_method is required", Fails("merge_method:\nmodels:\n  - model: a\n"));
    }

    [Fact]
    public void Modules_are_not_supported_yet()
    {
        var message = Fails("""
            merge_method: linear
            modules:
              text_decoder:
                models:
                  - model: a
            """);
        Assert.StartsWith("spec.yaml line 2: modules: is not supported yet; use models: or slices:", message);
    }

    [Theory]
    [InlineData("[5, 5]", "[5, 5] is not a valid range")]
    [InlineData("[3, 1]", "[3, 1] is not a valid range")]
    [InlineData("[-1, 3]", "[-1, 3] is not a valid range")]
    [InlineData("[1]", "expected [start, end]")]
    [InlineData("[0, 1, 2]", "expected [start, end]")]
    [InlineData("7", "expected [start, end]")]
    [InlineData("[0, 2.5]", "slices[0].sources[0].layer_range[1]: expected an integer, got '2.5'")]
    [InlineData("[a, 3]", "slices[0].sources[0].layer_range[0]: expected an integer, got 'a'")]
    public void Bad_layer_range_is_rejected(string range, string expected)
    {
        var message = Fails($"""
            merge_method: passthrough
            slices:
              - sources:
                  - model: a
                    layer_range: {range}
            """);
        Assert.StartsWith("spec.yaml line 5: slices[0].sources[0].layer_range", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Missing_layer_range_is_rejected()
    {
        Assert.StartsWith("spec.yaml line 4: slices[0].sources[0].layer_range: missing required key 'layer_range'", Fails("""
            merge_method: passthrough
            slices:
              - sources:
                  - model: a
            """));
    }

    [Fact]
    public void Sources_of_different_lengths_name_the_slice()
    {
        var message = Fails("""
            merge_method: slerp
            slices:
              - sources:
                  - model: a
                    layer_range: [0, 8]
                  - model: b
                    layer_range: [0, 8]
              - sources:
                  - model: a
                    layer_range: [8, 16]
                  - model: b
                    layer_range: [8, 15]
            """);
        Assert.StartsWith("spec.yaml line 12: slices[1].sources[1].layer_range: slice 1: every source must span the same number of layers", message);
        Assert.Contains("sources[0] spans 8", message);
        Assert.Contains("sources[1] spans 7", message);
    }

    [Theory]
    [InlineData("dtype", "float8")]
    [InlineData("out_dtype", "int8")]
    [InlineData("dtype", "[float16]")]
    public void Bad_dtype_names_the_key(string key, string value)
    {
        var message = Fails($"merge_method: linear\nmodels:\n  - model: a\n{key}: {value}\n");
        Assert.StartsWith($"spec.yaml line 4: {key}: ", message);
    }

    [Theory]
    [InlineData("bfloat16", "bfloat16")]
    [InlineData("torch.bfloat16", "bfloat16")]
    [InlineData("bf16", "bfloat16")]
    [InlineData("fp16", "float16")]
    [InlineData("torch.float32", "float32")]
    [InlineData("fp32", "float32")]
    [InlineData("float64", "float64")]
    [InlineData("int64", "int64")]
    public void Dtype_names_and_aliases_are_canonicalised(string written, string canonical)
    {
        var spec = MergeSpecParser.Parse($"merge_method: linear\nmodels:\n  - model: a\ndtype: {written}\nout_dtype: {written}\n");
        Assert.Equal(canonical, spec.DType);
        Assert.Equal(canonical, spec.OutDType);
    }

    [Fact]
    public void Union_is_read_from_both_forms_and_is_the_sections_default()
    {
        const string Head = "merge_method: linear\nmodels:\n  - model: a\n";
        Assert.Equal(TokenizerSourceKind.Union, MergeSpecParser.Parse(Head + "tokenizer_source: union\n").TokenizerSource);
        Assert.Equal(TokenizerSourceKind.Union, MergeSpecParser.Parse(Head + "tokenizer:\n  source: union\n").TokenizerSource);

        // The tokenizer section's source defaults to union in mergekit.
        var padded = MergeSpecParser.Parse(Head + "tokenizer:\n  pad_to_multiple_of: 64\n");
        Assert.Equal((TokenizerSourceKind.Union, (int?)64), (padded.TokenizerSource, padded.PadToMultipleOf));
        Assert.Equal(TokenizerSourceKind.Union, MergeSpecParser.Parse(Head + "tokenizer:\n  pad_to_multiple_of:\n").TokenizerSource);
        var baseAndPad = MergeSpecParser.Parse(Head + "tokenizer:\n  source: base\n  pad_to_multiple_of: 8\n");
        Assert.Equal((TokenizerSourceKind.Base, (int?)8), (baseAndPad.TokenizerSource, baseAndPad.PadToMultipleOf));
        Assert.Null(MergeSpecParser.Parse(Head + "tokenizer_source: union\n").PadToMultipleOf);
    }

    [Theory]
    [InlineData("0", "spec.yaml line 5: tokenizer.pad_to_multiple_of: expected a positive integer (e.g. 64), got 0")]
    [InlineData("-8", "spec.yaml line 5: tokenizer.pad_to_multiple_of: expected a positive integer (e.g. 64), got -8")]
    [InlineData("2.5", "spec.yaml line 5: tokenizer.pad_to_multiple_of: expected an integer, got '2.5'")]
    [InlineData("[64]", "spec.yaml line 5: tokenizer.pad_to_multiple_of: expected an integer, got a list")]
    public void A_bad_pad_to_multiple_of_names_the_key_and_value(string value, string expected)
    {
        Assert.Equal(expected, Fails($"merge_method: linear\nmodels:\n  - model: a\ntokenizer:\n  pad_to_multiple_of: {value}\n"));
    }

    [Fact]
    public void The_validator_refuses_a_pad_below_one_in_specs_built_in_code()
    {
        var spec = MergeSpecParser.Parse("merge_method: linear\nmodels:\n  - model: a\n") with { PadToMultipleOf = 0 };
        Assert.Equal("tokenizer.pad_to_multiple_of: expected a positive integer (e.g. 64), got 0", Assert.Throws<SpecException>(() => SpecValidator.Validate(spec)).Message);
    }

    [Fact]
    public void Tokenizer_tokens_reads_every_kind_of_source_in_order()
    {
        var spec = MergeSpecParser.Parse("""
            merge_method: linear
            models:
              - model: a
              - model: b
            tokenizer:
              source: union
              tokens:
                "<|im_start|>": {source: b}
                abc:
                  source: {kind: model_token, model: a, token: "<x>"}
                  force: true
                xyz: {source: {kind: zero}}
                bc: {source: {kind: model_token, model: {model: b}, token_id: 3}, force: false}
                c: {force: yes}
            """, "spec.yaml");

        Assert.Equal(
            [
                new TokenEmbeddingSpec("<|im_start|>", TokenEmbeddingSourceKind.Model, "b", null, null, false),
                new TokenEmbeddingSpec("abc", TokenEmbeddingSourceKind.ModelToken, "a", "<x>", null, true),
                new TokenEmbeddingSpec("xyz", TokenEmbeddingSourceKind.Zero, null, null, null, false),
                new TokenEmbeddingSpec("bc", TokenEmbeddingSourceKind.ModelToken, "b", null, 3, false),
                new TokenEmbeddingSpec("c", TokenEmbeddingSourceKind.Default, null, null, null, true),
            ],
            spec.TokenEmbeddings);
    }

    [Theory]
    [InlineData("x: {source: {kind: random}}", "spec.yaml line 7: tokenizer.tokens.'x'.source.kind: expected kind: model_token or kind: zero, got 'random'")]
    [InlineData("x: {source: {model: a, token_id: 1}}", "spec.yaml line 7: tokenizer.tokens.'x'.source.kind: expected kind: model_token or kind: zero, got no kind")]
    [InlineData("x: {source: {kind: model_token, model: a, token: y, token_id: 1}}", "spec.yaml line 7: tokenizer.tokens.'x'.source: kind: model_token needs exactly one of token (text) or token_id")]
    [InlineData("x: {source: {kind: model_token, token_id: 1}}", "spec.yaml line 7: tokenizer.tokens.'x'.source.model: missing required key 'model' (kind: model_token)")]
    [InlineData("x: {source: {kind: model_token, model: a, token_id: -1}}", "spec.yaml line 7: tokenizer.tokens.'x'.source.token_id: expected a non-negative token id, got -1")]
    [InlineData("x: {source: {kind: zero, model: a}}", "spec.yaml line 7: tokenizer.tokens.'x'.source.model: kind: zero takes no other keys")]
    [InlineData("x: {source: a, force: maybe}", "spec.yaml line 7: tokenizer.tokens.'x'.force: expected true or false, got 'maybe'")]
    [InlineData("x: {sauce: a}", "spec.yaml line 7: tokenizer.tokens.'x'.sauce: unknown key 'sauce' in a token embedding entry; allowed keys: source, force")]
    [InlineData("x: a", "spec.yaml line 7: tokenizer.tokens.'x': expected a token embedding entry (a mapping with keys source, force), got 'a'")]
    [InlineData("[x]", "spec.yaml line 6: tokenizer.tokens: expected a mapping of token text to {source, force}, got a list")]
    public void A_bad_tokens_entry_names_the_key_and_what_is_wrong(string entry, string expected)
    {
        var yaml = $"merge_method: linear\nmodels:\n  - model: a\ntokenizer:\n  source: union\n  tokens:\n    {entry}\n";
        if (entry.StartsWith('['))
        {
            yaml = "merge_method: linear\nmodels:\n  - model: a\ntokenizer:\n  source: union\n  tokens: [x]\n";
        }

        Assert.Equal(expected, Fails(yaml));
    }

    [Fact]
    public void The_tokenizer_section_checks_its_keys()
    {
        Assert.StartsWith("spec.yaml line 5: tokenizer.sorce: unknown key", Fails("merge_method: linear\nmodels:\n  - model: a\ntokenizer:\n  sorce: base\n"));
        Assert.StartsWith("spec.yaml line 5: tokenizer: give either tokenizer_source: or tokenizer:", Fails("merge_method: linear\nmodels:\n  - model: a\ntokenizer_source: base\ntokenizer:\n  source: base\n"));
    }

    [Fact]
    public void Tokenizer_base_and_model_are_accepted_in_both_forms()
    {
        const string Head = "merge_method: linear\nmodels:\n  - model: a\n  - model: b\n";
        var legacyBase = MergeSpecParser.Parse(Head + "tokenizer_source: base\n");
        Assert.Equal((TokenizerSourceKind.Base, (string?)null), (legacyBase.TokenizerSource, legacyBase.TokenizerModel));
        var legacyModel = MergeSpecParser.Parse(Head + "tokenizer_source: b\n");
        Assert.Equal((TokenizerSourceKind.Model, "b"), (legacyModel.TokenizerSource, legacyModel.TokenizerModel));
        var section = MergeSpecParser.Parse(Head + "tokenizer:\n  source: some/tok\n");
        Assert.Equal((TokenizerSourceKind.Model, "some/tok"), (section.TokenizerSource, section.TokenizerModel));
        Assert.Contains("some/tok", section.AllModels());
        Assert.Equal(TokenizerSourceKind.Base, MergeSpecParser.Parse(Head + "tokenizer:\n  source: base\n").TokenizerSource);
    }

    [Fact]
    public void Mapping_parameter_value_names_the_key_and_line()
    {
        var message = Fails("""
            merge_method: linear
            models:
              - model: a
              - model: b
                parameters:
                  weight:
                    low: 0.1
                    high: 0.9
            """);
        Assert.StartsWith(
            "spec.yaml line 6: models[1].parameters.weight: expected a number (or true/false), a list of numbers (gradient) or a list of {filter, value}, got a mapping",
            message);
    }

    [Theory]
    [InlineData("weight: abc", "models[0].parameters.weight: expected a number (or true/false), a list of numbers (gradient) or a list of {filter, value}, got 'abc'")]
    [InlineData("weight: \"true\"", "models[0].parameters.weight: expected a number (or true/false), a list of numbers (gradient) or a list of {filter, value}, got the quoted string 'true'")]
    [InlineData("weight: []", "models[0].parameters.weight: expected a number (or true/false), a list of numbers (gradient) or a list of {filter, value}, got an empty list")]
    [InlineData("weight: [1, {value: 2}]", "models[0].parameters.weight: expected a number (or true/false), a list of numbers (gradient) or a list of {filter, value}, got a list whose items are neither all numbers nor all {filter, value} mappings")]
    [InlineData("weight: [1, x]", "models[0].parameters.weight[1]: expected a number (a gradient point), got 'x'")]
    [InlineData("weight: [[1, 2]]", "got a list whose items are neither all numbers nor all {filter, value} mappings")]
    [InlineData("weight:", "models[0].parameters.weight: expected a number (or true/false), a list of numbers (gradient) or a list of {filter, value}, got nothing (null)")]
    [InlineData("weight: .inf", "models[0].parameters.weight: expected a number (or true/false), a list of numbers (gradient) or a list of {filter, value}, got '.inf'")]
    [InlineData("weight: NaN", "got the non-finite value 'NaN'")]
    [InlineData("weight: [{filter: mlp}]", "models[0].parameters.weight[0].value: missing required key 'value'")]
    [InlineData("weight: [{value: [{value: 1}]}]", "models[0].parameters.weight[0].value: expected a number or a non-empty list of numbers (gradient), got a list")]
    [InlineData("weight: [{value: {a: 1}}]", "models[0].parameters.weight[0].value: expected a number or a non-empty list of numbers (gradient), got a mapping")]
    public void Bad_parameter_shapes_name_the_key(string parameter, string expected)
    {
        var message = Fails($"merge_method: linear\nmodels:\n  - model: a\n    parameters:\n      {parameter}\n");
        Assert.StartsWith("spec.yaml line 5: ", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Parameters_must_be_a_mapping()
    {
        Assert.StartsWith("spec.yaml line 4: parameters: expected a mapping of parameter names to values, got a list", Fails("merge_method: linear\nmodels:\n  - model: a\nparameters: [1, 2]\n"));
    }

    [Theory]
    [InlineData("- a\n- b\n", "spec.yaml line 1: the top level must be a mapping (merge_method: ..., models: ...), got a list")]
    [InlineData("just a string\n", "spec.yaml line 1: the top level must be a mapping (merge_method: ..., models: ...), got 'just a string'")]
    [InlineData("", "spec.yaml line 1: the spec is empty")]
    [InlineData("# only a comment\n", "spec.yaml line 1: the spec is empty")]
    [InlineData("~\n", "spec.yaml line 1: the spec is empty")]
    public void Non_mapping_or_empty_root_is_rejected(string yaml, string expected) =>
        Assert.StartsWith(expected, Fails(yaml));

    [Theory]
    [InlineData("merge_method: linear\nmodels: [a, b\n", "spec.yaml line 3: malformed YAML")]
    [InlineData("merge_method: linear\n  models:\n - model: a\n", "spec.yaml line 2: malformed YAML")]
    [InlineData("merge_method: linear\nmodels:\n  - model: a\nmerge_method: ties\n", "spec.yaml line 4: malformed YAML")]
    [InlineData("merge_method: linear\n---\nmerge_method: ties\n", "spec.yaml line 3: the spec holds several YAML documents")]
    [InlineData("merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1.0\n  - model: b\n", "spec.yaml line 4: malformed YAML: cannot read on after this line; is a '{' or '[' here left open?")]
    [InlineData("a: {b: 1\nc: 2\n", "spec.yaml line 1: malformed YAML: cannot read on")]
    public void Malformed_yaml_reports_the_line(string yaml, string expected) =>
        Assert.StartsWith(expected, Fails(yaml));

    [Theory]
    [InlineData("model: a+b", "models[0].model: 'a+b': model+lora references are not supported")]
    [InlineData("model: org/name@main", "models[0].model: 'org/name@main': revisions are not supported for local paths")]
    [InlineData("model: {model: a, lora: b}", "models[0].model.lora: LoRA inputs are not supported")]
    [InlineData("model: {model: {path: a, revision: r}}", "models[0].model.model.revision: revisions are not supported for local paths")]
    [InlineData("model: {model: a, override_architecture: X}", "models[0].model.override_architecture: override_architecture is not supported")]
    [InlineData("model: {modle: a}", "models[0].model.modle: unknown key 'modle'")]
    [InlineData("model: \"\"", "models[0].model: the model name is empty")]
    [InlineData("model: [a]", "models[0].model: expected a string, got a list")]
    public void Unsupported_or_empty_model_references_are_rejected(string entry, string expected)
    {
        var message = Fails($"merge_method: linear\nmodels:\n  - {entry}\n");
        Assert.StartsWith("spec.yaml line 3: ", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Model_reference_dict_forms_are_accepted()
    {
        var spec = MergeSpecParser.Parse("""
            merge_method: linear
            base_model: {model: {path: ./base}}
            models:
              - model: {model: ./a}
              - model: ./b
            """);
        Assert.Equal("./base", spec.BaseModel);
        Assert.Equal(["./a", "./b", "./base"], spec.Slices[0].Sources.Select(s => s.Model));
    }

    [Fact]
    public void Missing_or_duplicate_models_are_rejected()
    {
        Assert.StartsWith("spec.yaml line 4: models[1].model: missing required key 'model'", Fails("merge_method: linear\nmodels:\n  - model: a\n  - parameters: {weight: 1}\n"));
        Assert.StartsWith("spec.yaml line 4: models[1].model: model 'a' is listed twice in models:", Fails("merge_method: linear\nmodels:\n  - model: a\n  - model: a\n"));
        Assert.StartsWith("spec.yaml line 3: models[0]: expected a models: entry (a mapping with keys model, parameters, dataset), got 'a'", Fails("merge_method: linear\nmodels:\n  - a\n"));
        Assert.StartsWith("spec.yaml line 2: models: expected a list, got a mapping", Fails("merge_method: linear\nmodels:\n  model: a\n"));
    }

    [Fact]
    public void Slice_structure_errors_name_the_slice()
    {
        Assert.StartsWith("spec.yaml line 3: slices[0].sources: missing required key 'sources'", Fails("merge_method: passthrough\nslices:\n  - parameters: {}\n"));
        Assert.StartsWith("spec.yaml line 3: slices[0].sources: the list is empty", Fails("merge_method: passthrough\nslices:\n  - sources: []\n"));
        Assert.StartsWith("spec.yaml line 2: slices: the list is empty", Fails("merge_method: passthrough\nslices: []\n"));
        Assert.StartsWith("spec.yaml line 4: slices[0].residual_weight: expected a number, got 'lots'", Fails("merge_method: passthrough\nslices:\n  - sources: [{model: a, layer_range: [0, 1]}]\n    residual_weight: lots\n"));
    }

    [Fact]
    public void Slice_extras_are_kept()
    {
        var spec = MergeSpecParser.Parse("""
            merge_method: slerp
            name: stage-1
            chat_template: chatml
            slices:
              - sources:
                  - model: a
                    layer_range: [0, 2]
                  - model: b
                    layer_range: [2, 4]
                base_model: b
                residual_weight: 0.5
                parameters:
                  t: 0.3
            """);
        Assert.Equal("stage-1", spec.Name);
        Assert.Equal("chatml", spec.ChatTemplate);
        var slice = spec.Slices[0];
        Assert.Equal("b", slice.BaseModel);
        Assert.Null(spec.BaseModel);
        Assert.Equal("b", spec.BaseModelFor(slice));
        Assert.Equal(new ScalarSetting(0.3), slice.Parameters["t"]);
        Assert.Equal(2, slice.Sources.Count);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("alpaca")]
    [InlineData("chatml")]
    [InlineData("llama3")]
    [InlineData("mistral")]
    [InlineData("exaone")]
    public void Chat_template_accepts_each_template_name(string name) =>
        Assert.Equal(name, MergeSpecParser.Parse($"merge_method: linear\nmodels:\n  - model: a\nchat_template: {name}\n").ChatTemplate);

    [Fact]
    public void Chat_template_accepts_jinja_text()
    {
        const string Jinja = "{% for m in messages %}{{ m.content }}{% endfor %}";
        Assert.Equal(Jinja, MergeSpecParser.Parse($"merge_method: linear\nmodels:\n  - model: a\nchat_template: \"{Jinja}\"\n").ChatTemplate);
    }

    [Theory]
    [InlineData("zephyr")]
    [InlineData("ChatML")]
    [InlineData("'{{ messages }}'")]
    [InlineData("plain words that are long enough")]
    public void Chat_template_that_is_neither_a_name_nor_jinja_lists_the_names(string value)
    {
        var message = Fails($"merge_method: linear\nmodels:\n  - model: a\nchat_template: {value}\n");

        Assert.StartsWith($"spec.yaml line 4: chat_template: '{value.Trim('\'')}' is neither a known template name (auto, alpaca, chatml, llama3, mistral, exaone) nor a Jinja template", message);
    }

    [Fact]
    public void Parse_file_uses_the_path_in_messages_and_records_the_folder()
    {
        var dir = Directory.CreateTempSubdirectory("fc-spec-");
        try
        {
            var good = Path.Combine(dir.FullName, "good.yaml");
            File.WriteAllText(good, "merge_method: linear\nmodels:\n  - model: ./a\n");
            var spec = MergeSpecParser.ParseFile(good);
            Assert.Equal(dir.FullName, spec.SpecDirectory);
            Assert.Equal("linear", spec.MergeMethod);

            var bad = Path.Combine(dir.FullName, "bad.yaml");
            File.WriteAllText(bad, "merge_method: linear\nmodels:\n  - model: ./a\ndtype: fp8\n");
            Assert.StartsWith($"{bad} line 4: dtype: unknown dtype 'fp8'", Assert.Throws<SpecException>(() => MergeSpecParser.ParseFile(bad)).Message);

            var missing = Path.Combine(dir.FullName, "missing.yaml");
            Assert.StartsWith($"{missing}: cannot read the spec file", Assert.Throws<SpecException>(() => MergeSpecParser.ParseFile(missing)).Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
