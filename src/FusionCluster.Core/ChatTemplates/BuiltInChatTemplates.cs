namespace FusionCluster.Core.ChatTemplates;

/// <summary>
/// The chat templates a spec can name (<c>chat_template: chatml</c>), mergekit's set of names. The texts are
/// our own Jinja for each standard format, written for transformers' renderer (trim_blocks, lstrip_blocks,
/// <c>raise_exception</c>), and each honours <c>add_generation_prompt</c>.
/// </summary>
public static class BuiltInChatTemplates
{
    /// <summary>Stanford Alpaca: an optional system preamble, then "### Instruction:" / "### Response:" blocks.</summary>
    public const string Alpaca = """
        {%- for message in messages -%}
            {%- if message['role'] == 'system' -%}
                {{- message['content'] + '\n\n' -}}
            {%- elif message['role'] == 'user' -%}
                {{- '### Instruction:\n' + message['content'] + '\n\n' -}}
            {%- elif message['role'] == 'assistant' -%}
                {{- '### Response:\n' + message['content'] + eos_token + '\n\n' -}}
            {%- else -%}
                {{- raise_exception('alpaca chat template: unsupported role ' + message['role']) -}}
            {%- endif -%}
        {%- endfor -%}
        {%- if add_generation_prompt -%}
            {{- '### Response:\n' -}}
        {%- endif -%}
        """;

    /// <summary>ChatML (OpenAI, Qwen, many fine-tunes): every turn is &lt;|im_start|&gt;role\n...&lt;|im_end|&gt;\n.</summary>
    public const string ChatMl = """
        {%- for message in messages -%}
            {{- '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' -}}
        {%- endfor -%}
        {%- if add_generation_prompt -%}
            {{- '<|im_start|>assistant\n' -}}
        {%- endif -%}
        """;

    /// <summary>Llama 3 instruct: header-delimited turns closed by &lt;|eot_id|&gt;, after the BOS token.</summary>
    public const string Llama3 = """
        {{- bos_token -}}
        {%- for message in messages -%}
            {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' -}}
        {%- endfor -%}
        {%- if add_generation_prompt -%}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
        {%- endif -%}
        """;

    /// <summary>
    /// Mistral instruct: user turns in [INST] ... [/INST], answers closed by EOS. The format has no system
    /// role, so a leading system message is folded into the first user turn. The closing [/INST] already
    /// prompts the answer, so add_generation_prompt adds nothing.
    /// </summary>
    public const string Mistral = """
        {%- if messages and messages[0]['role'] == 'system' -%}
            {%- set system_message = messages[0]['content'] -%}
            {%- set turns = messages[1:] -%}
        {%- else -%}
            {%- set system_message = '' -%}
            {%- set turns = messages -%}
        {%- endif -%}
        {{- bos_token -}}
        {%- for message in turns -%}
            {%- if message['role'] == 'user' -%}
                {%- if loop.first and system_message -%}
                    {{- '[INST] ' + system_message + '\n\n' + message['content'] + ' [/INST]' -}}
                {%- else -%}
                    {{- '[INST] ' + message['content'] + ' [/INST]' -}}
                {%- endif -%}
            {%- elif message['role'] == 'assistant' -%}
                {{- ' ' + message['content'] + eos_token -}}
            {%- else -%}
                {{- raise_exception('mistral chat template: only a leading system message, then user and assistant turns, are supported') -}}
            {%- endif -%}
        {%- endfor -%}
        """;

    /// <summary>
    /// LG EXAONE: [|role|] turns; system and assistant turns end with [|endofturn|], user turns with a newline.
    /// EXAONE expects a system turn first, so an empty one is added when the conversation has none.
    /// </summary>
    public const string Exaone = """
        {%- if not messages or messages[0]['role'] != 'system' -%}
            {{- '[|system|][|endofturn|]\n' -}}
        {%- endif -%}
        {%- for message in messages -%}
            {%- if message['role'] == 'user' -%}
                {{- '[|user|]' + message['content'] + '\n' -}}
            {%- else -%}
                {{- '[|' + message['role'] + '|]' + message['content'] + '[|endofturn|]\n' -}}
            {%- endif -%}
        {%- endfor -%}
        {%- if add_generation_prompt -%}
            {{- '[|assistant|]' -}}
        {%- endif -%}
        """;

    private static readonly Dictionary<string, string> ByName = new(StringComparer.Ordinal)
    {
        ["alpaca"] = Alpaca,
        ["chatml"] = ChatMl,
        ["llama3"] = Llama3,
        ["mistral"] = Mistral,
        ["exaone"] = Exaone,
    };

    /// <summary>The names a spec may give, in a fixed order for messages.</summary>
    public static IReadOnlyList<string> Names { get; } = ["alpaca", "chatml", "llama3", "mistral", "exaone"];

    /// <summary>Names are case-sensitive, as mergekit's (file names of its packaged templates) are.</summary>
    public static bool TryGet(string name, out string template) => ByName.TryGetValue(name, out template!);
}
