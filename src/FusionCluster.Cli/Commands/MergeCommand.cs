using System.CommandLine;
using FusionCluster.Cli.Console;
using FusionCluster.Cli.Hosting;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Specs.Yaml;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion merge spec.yaml --out DIR: a mergekit-style merge on the embedded silo; fusion merge a.yaml b.yaml ...
/// --out-dir DIR: several merges as one shared-input job (<see cref="SharedInputMerge"/>).
/// </summary>
public static class MergeCommand
{
    public static Command Create()
    {
        var spec = new Argument<FileInfo[]>("spec") { Description = "mergekit-style YAML merge spec (several with --out-dir)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out", "-o") { Description = "output: a folder, or az://container/prefix (a Hugging Face checkpoint)" };
        var outDir = new Option<string?>("--out-dir") { Description = "with several specs: each output goes to DIR/<spec file name without .yaml>; the specs run as one job that reads shared inputs once" };
        var device = new Option<string>("--device") { Description = DeviceChoice.Description, DefaultValueFactory = _ => MergeDevices.Auto };
        var seed = new Option<ulong>("--seed") { Description = "seed for random methods (DARE, DELLA)", DefaultValueFactory = _ => 0 };
        var shardSize = new Option<string>("--out-shard-size") { Description = "largest output shard, e.g. 5GB, 500MB", DefaultValueFactory = _ => "5GB" };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace a model already in --out" };
        var parallel = new Option<int>("--parallel") { Description = "units run at once (default: one per core)" }.Positive();
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress output" };
        var stats = new Option<FileInfo?>("--stats-json") { Description = "write wall time and peak memory to this file (used by fusion bench)" };
        var inputHash = InputHashOption.Create();
        var dataRoots = new DataRootsOption();

        var command = new Command("merge", "Merge models as a spec describes, on this machine") { spec, output, outDir, device, seed, shardSize, overwrite, parallel, quiet, stats, inputHash };
        dataRoots.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var roots = dataRoots.Resolve(parse);
            var (resolvedDevice, deviceError) = DeviceChoice.ForThisHost(parse.GetValue(device)!);
            if (deviceError is not null)
            {
                return Fail(deviceError);
            }

            var specFiles = parse.GetValue(spec)!;
            var (target, sharedDir) = (parse.GetValue(output), parse.GetValue(outDir));
            if ((target is null) == (sharedDir is null) || (target is not null && specFiles.Length > 1))
            {
                // A usage mistake, so it points to the options as the parser's own errors do.
                return CommandLineErrors.Report(parse, [(target, sharedDir) switch
                {
                    (not null, not null) => "give --out DIR (one spec) or --out-dir DIR (one or several specs, each output in DIR/<spec name>), not both",
                    (not null, null) => "several specs need --out-dir DIR (each output goes to DIR/<spec name>), not --out",
                    _ when specFiles.Length > 1 => "several specs need --out-dir DIR (each output goes to DIR/<spec name>)",
                    _ => "--out DIR is required",
                }], System.Console.Error);
            }

            var specFile = specFiles[0];
            if (!specFile.Exists)
            {
                return Fail(NoSpecFile(specFile));
            }

            // The one reader of spec files: a regular file only, and no more than a spec may hold (not /dev/zero, not a FIFO).
            string specText;
            try
            {
                specText = SpecYaml.ReadText(specFile.FullName, "spec file", roots);
            }
            catch (SpecException e)
            {
                return Fail(e.Message);
            }

            long shardBytes;
            StatsJsonFile? statsFile;
            try
            {
                shardBytes = ByteSize.Parse(parse.GetValue(shardSize)!);
                if (shardBytes <= 0)
                {
                    throw new FormatException("a shard holds at least one byte");
                }
            }
            catch (FormatException e)
            {
                return Fail($"--out-shard-size: {e.Message}");
            }

            try
            {
                statsFile = StatsJsonFile.Open(parse.GetValue(stats));
            }
            catch (FormatException e)
            {
                return Fail(e.Message);
            }

            IReadOnlyList<CandidateSpec> candidates = [];
            if (sharedDir is not null)
            {
                (var found, var error) = SharedInputMerge.Candidates(specFiles, sharedDir, roots);
                if (error is not null)
                {
                    return Fail(error);
                }

                candidates = found!;
            }

            var outputLocation = OutputLocation.FromCommandLine(target ?? sharedDir!);

            var request = new MergeRequest
            {
                SpecText = specText,
                SpecDirectory = specFile.DirectoryName!,
                SpecName = candidates.Count > 0 ? string.Join(", ", candidates.Select(c => c.Name)) : specFile.Name,
                Output = outputLocation,
                Seed = parse.GetValue(seed),
                ShardSizeBytes = shardBytes,
                Overwrite = parse.GetValue(overwrite),
                InputHash = InputHashOption.Parse(parse.GetValue(inputHash)!),
                Device = resolvedDevice!,
                Candidates = candidates,
            };
            // A local --out-dir this command creates is removed again if nothing was published in it.
            var createdDir = sharedDir is not null && !outputLocation.Contains("://", StringComparison.Ordinal) && !Directory.Exists(outputLocation)
                ? outputLocation
                : null;
            var started = DateTime.UtcNow;
            var status = await EmbeddedMerge.RunAsync(request, new ProgressReporter(parse.GetValue(quiet)), parse.GetValue(parallel), cancellationToken, roots);
            var wall = (DateTime.UtcNow - started).TotalSeconds;
            foreach (var warning in status.Warnings.Distinct().Take(20))
            {
                System.Console.Error.WriteLine($"warning: {warning}");
            }

            if (statsFile is not null)
            {
                statsFile.Write(new
                {
                    state = status.State.ToString(),
                    wall_seconds = wall,
                    job_seconds = status.ElapsedSeconds,
                    peak_rss_bytes = ProcessMemory.PeakResidentBytes(),
                    input_bytes = status.BytesTotal,
                });
            }

            if (candidates.Count > 0)
            {
                SharedInputMerge.RemoveIfEmpty(createdDir);
                return SharedInputMerge.Summarize(status, wall);
            }

            return status.State switch
            {
                JobState.Succeeded => Succeed(status, wall),
                JobState.Cancelled => Fail("cancelled; nothing was published", 130),
                _ => Fail(status.Error ?? "the merge failed"),
            };
        });
        return command;
    }

    private static int Succeed(JobStatus status, double wall)
    {
        System.Console.WriteLine($"merged {status.UnitsTotal} units ({Units.Bytes(status.BytesTotal)} read) in {wall:F1} s on {status.Device} -> {status.Output}  (peak memory {Units.Bytes(ProcessMemory.PeakResidentBytes())})");
        return 0;
    }

    /// <summary>Why a spec file named on the command line cannot be read: a folder given by mistake, or nothing there.</summary>
    internal static string NoSpecFile(FileInfo spec) =>
        Directory.Exists(spec.FullName) ? $"{spec.FullName}: a folder, not a spec file" : $"{spec.FullName}: no such spec file";

    public static int Fail(string message, int code = 1)
    {
        System.Console.Error.WriteLine($"fusion: error: {message}");
        return code;
    }
}
