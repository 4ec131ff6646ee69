namespace FusionCluster.Language.Tests.Support;

/// <summary>Small but complete tokenizer.json files in Hugging Face tokenizers' format, written by hand.</summary>
public static class TokenizerFiles
{
    /// <summary>GPT-2-style byte-level BPE: "hello" and "Ġhello" are merged words, everything else single letters.</summary>
    public const string ByteLevelBpe = """
        {"version":"1.0","truncation":null,"padding":null,
         "added_tokens":[{"id":0,"content":"<|endoftext|>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
         "normalizer":null,
         "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},
         "post_processor":{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":false,"use_regex":true},
         "decoder":{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true},
         "model":{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":null,"end_of_word_suffix":null,"fuse_unk":false,"byte_fallback":false,"ignore_merges":false,
           "vocab":{"<|endoftext|>":0,"h":1,"e":2,"l":3,"o":4,"Ġ":5,"he":6,"ll":7,"hell":8,"hello":9,"Ġhello":10},
           "merges":["h e","l l","he ll","hell o","Ġ hello"]}}
        """;

    /// <summary>SentencePiece-style: Metaspace pre-tokenizer, BPE with an unknown token, and a template adding &lt;s&gt;.</summary>
    public const string MetaspaceWithBos = """
        {"version":"1.0","truncation":null,"padding":null,
         "added_tokens":[
           {"id":0,"content":"<unk>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
           {"id":1,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
           {"id":2,"content":"</s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
         "normalizer":null,
         "pre_tokenizer":{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true},
         "post_processor":{"type":"TemplateProcessing",
           "single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],
           "pair":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"<s>","type_id":1}},{"Sequence":{"id":"B","type_id":1}}],
           "special_tokens":{"<s>":{"id":"<s>","ids":[1],"tokens":["<s>"]}}},
         "decoder":{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true},
         "model":{"type":"BPE","dropout":null,"unk_token":"<unk>","continuing_subword_prefix":null,"end_of_word_suffix":null,"fuse_unk":true,"byte_fallback":false,"ignore_merges":false,
           "vocab":{"<unk>":0,"<s>":1,"</s>":2,"▁":3,"a":4,"b":5,"c":6,"▁a":7,"ab":8,"▁ab":9,"▁c":10},
           "merges":["▁ a","a b","▁a b","▁ c"]}}
        """;
}
