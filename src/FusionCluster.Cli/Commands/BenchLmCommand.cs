using System.CommandLine;
using System.Globalization;
using FusionCluster.Cli.Console;
using FusionCluster.Language;
using FusionCluster.Language.Benchmarks;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion bench lm: forward-pass tokens/s and peak memory of a tiny llama and of one 7B-shaped decoder layer
/// (hidden 4096, ffn 11008, 32 heads, 8 kv heads), each loaded from a bf16 checkpoint written once to --work.
/// </summary>
public static class BenchLmCommand
{
    public static Command Create()
    {
        var work = new Option<DirectoryInfo>("--work") { Description = "where the benchmark checkpoints are written (reused when present)", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Path.GetTempPath(), "fusion-bench-lm")) };
        var sequence = new Option<int>("--seq") { Description = "tokens per sequence", DefaultValueFactory = _ => 512 };
        var batch = new Option<int>("--batch") { Description = "sequences per forward", DefaultValueFactory = _ => 1 };
        var repeat = new Option<int>("--repeat") { Description = "timed forwards per case after one warm-up; the median is reported", DefaultValueFactory = _ => 3 };
        var threads = new Option<int?>("--threads") { Description = "torch threads (default: libtorch's choice)" };
        var cases = new Option<string>("--cases") { Description = "tiny, 7b-layer or both, comma-separated", DefaultValueFactory = _ => "tiny,7b-layer" };
        var device = new Option<string>("--device") { Description = LanguageDevice.Description, DefaultValueFactory = _ => "cpu" };

        var command = new Command("lm", "Measure language-model forward speed and memory (tiny llama, 7B-shaped single layer)") { work, sequence, batch, repeat, threads, cases, device };
        command.SetAction((parse, cancellationToken) =>
        {
            try
            {
                var torchDevice = LanguageDevice.Resolve(parse.GetValue(device)!);
                if (parse.GetValue(threads) is { } count)
                {
                    TorchSharp.torch.set_num_threads(count);
                }

                var configs = new Dictionary<string, Language.Models.LanguageModelConfig>(StringComparer.Ordinal) { ["tiny"] = LanguageBenchmark.Tiny, ["7b-layer"] = LanguageBenchmark.SevenBillionLayer };
                var chosen = parse.GetValue(cases)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var unknown = chosen.FirstOrDefault(c => !configs.ContainsKey(c));
                if (unknown is not null)
                {
                    return Task.FromResult(MergeCommand.Fail($"--cases {unknown}: expected tiny or 7b-layer"));
                }

                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"device {torchDevice.type}, torch threads {TorchSharp.torch.get_num_threads()}; float32 compute from bf16 checkpoints in {parse.GetValue(work)!.FullName}"));
                System.Console.WriteLine($"{"case",-9} {"params",8} {"load s",7} {"forward s",10} {"tokens/s",10} {"peak RSS",10}  shape");
                foreach (var name in chosen)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var result = LanguageBenchmark.Run(name, configs[name], parse.GetValue(work)!.FullName, torchDevice, parse.GetValue(batch), parse.GetValue(sequence), Math.Max(1, parse.GetValue(repeat)));
                    System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Name,-9} {result.Parameters / 1e6,7:F1}M {result.LoadSeconds,7:F2} {result.ForwardSeconds,10:F3} {result.TokensPerSecond,10:F0} {Units.Bytes(result.PeakResidentBytes),10}  {result.Shape}"));
                }

                return Task.FromResult(0);
            }
            catch (OperationCanceledException)
            {
                return Task.FromResult(MergeCommand.Fail("cancelled", 130));
            }
            catch (Exception e) when (e is LanguageModelException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                return Task.FromResult(MergeCommand.Fail(e.Message));
            }
        });
        return command;
    }
}
