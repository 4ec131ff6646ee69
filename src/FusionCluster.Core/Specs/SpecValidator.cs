namespace FusionCluster.Core.Specs;

/// <summary>
/// Structural checks that need no files, for specs built in code as well as parsed ones (the parser makes the
/// same checks first, with line numbers). Method-specific rules (model counts, required parameters, ranges)
/// belong to the planner, which knows the method catalog.
/// </summary>
public static class SpecValidator
{
    public static void Validate(MergeSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(spec.MergeMethod))
        {
            throw new SpecException("merge_method: is required");
        }

        if (spec.BaseModel is not null && string.IsNullOrWhiteSpace(spec.BaseModel))
        {
            throw new SpecException("base_model: the model name is empty");
        }

        if (spec.Slices.Count == 0)
        {
            throw new SpecException(spec.UsesModels ? "models: the list is empty" : "slices: the list is empty");
        }

        if (spec.UsesModels && spec.Slices.Count != 1)
        {
            throw new SpecException($"models: a models: spec normalises to exactly one slice, got {spec.Slices.Count}");
        }

        if (spec.TokenizerSource == TokenizerSourceKind.Model && string.IsNullOrWhiteSpace(spec.TokenizerModel))
        {
            throw new SpecException("tokenizer_source: names a model but the model name is empty");
        }

        if (spec.PadToMultipleOf is < 1)
        {
            throw new SpecException($"tokenizer.pad_to_multiple_of: expected a positive integer (e.g. 64), got {spec.PadToMultipleOf}");
        }

        for (var i = 0; i < spec.Slices.Count; i++)
        {
            ValidateSlice(spec, spec.Slices[i], i);
        }
    }

    private static void ValidateSlice(MergeSpec spec, SliceSpec slice, int index)
    {
        var where = spec.UsesModels ? "models" : $"slices[{index}].sources";
        if (slice.Sources.Count == 0)
        {
            throw new SpecException($"{where}: the list is empty");
        }

        if (slice.BaseModel is not null && string.IsNullOrWhiteSpace(slice.BaseModel))
        {
            throw new SpecException($"slices[{index}].base_model: the model name is empty");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        int? count = null;
        for (var j = 0; j < slice.Sources.Count; j++)
        {
            var source = slice.Sources[j];
            if (string.IsNullOrWhiteSpace(source.Model))
            {
                throw new SpecException($"{where}[{j}].model: the model name is empty");
            }

            if (!seen.Add(source.Model))
            {
                throw new SpecException($"{where}[{j}].model: model '{source.Model}' is listed twice");
            }

            if (spec.UsesModels)
            {
                if (source.LayerRange is not null)
                {
                    throw new SpecException($"models[{j}]: models: entries have no layer range");
                }

                continue;
            }

            if (source.LayerRange is not { } range)
            {
                throw new SpecException($"{where}[{j}].layer_range: is required in slices:");
            }

            if (range.Start < 0 || range.End <= range.Start)
            {
                throw new SpecException($"{where}[{j}].layer_range: [{range.Start}, {range.End}] is not a valid range; need 0 <= start < end");
            }

            count ??= range.Count;
            if (range.Count != count)
            {
                throw new SpecException($"{where}[{j}].layer_range: slice {index}: every source must span the same number of layers ({count} vs {range.Count})");
            }
        }
    }
}
