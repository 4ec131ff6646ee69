using System.CommandLine;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Commands;

/// <summary>--input-hash header|full, the same on <c>fusion merge</c> and <c>fusion submit</c>.</summary>
public static class InputHashOption
{
    public const string Header = "header";

    public const string Full = "full";

    public static Option<string> Create()
    {
        var option = new Option<string>("--input-hash")
        {
            Description = "what fusion-report.json records of each input file: header (size and SHA-256 of the safetensors header, cheap) "
                + "or full (also the SHA-256 of every input file's entire content; reads all input bytes once more before publishing)",
            DefaultValueFactory = _ => Header,
        };
        option.AcceptOnlyFromAmong(Header, Full);
        return option;
    }

    public static InputHashMode Parse(string value) => value == Full ? InputHashMode.Full : InputHashMode.Header;
}
