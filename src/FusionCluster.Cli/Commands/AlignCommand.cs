using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FusionCluster.Alignment;
using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Reports;
using FusionCluster.Alignment.Specs;
using FusionCluster.Cli.Hosting;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion align REFERENCE MODEL --out DIR: finds the permutation of MODEL's units that best matches
/// REFERENCE (git re-basin weight matching) and writes the permuted model (weights, config and tokenizer
/// files) with permutations.json.
/// </summary>
public static class AlignCommand
{
    public const string WeightMatching = "weight_matching";

    public static Command Create()
    {
        var reference = new Argument<DirectoryInfo>("reference") { Description = "checkpoint folder the model is aligned to (left unchanged)" };
        var model = new Argument<DirectoryInfo>("model") { Description = "checkpoint folder to permute" };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "folder for the permuted model and permutations.json", Required = true };
        var method = new Option<string>("--method") { Description = "alignment method: weight_matching", DefaultValueFactory = _ => WeightMatching };
        var iterations = new Option<int>("--iterations") { Description = "at most this many sweeps over all permutation groups", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "seed of the order groups are visited in", DefaultValueFactory = _ => 0 };
        var specFile = new Option<FileInfo?>("--permutation-spec") { Description = "permutation_spec YAML for architectures not derived automatically (fusion classifiers, llama family)" };
        var lowMemory = new Option<bool>("--low-memory") { Description = "decode tensors again at every use instead of keeping both models in float32 in memory" };
        var overwrite = new Option<bool>("--overwrite") { Description = "write into a non-empty --out" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "print every group visit" };

        var command = new Command("align", "Permute a model's units to match a reference model (git re-basin weight matching)")
        {
            reference, model, output, method, iterations, seed, specFile, lowMemory, overwrite, verbose,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var outputFolder = parse.GetValue(output)!.FullName;
            if (parse.GetValue(method) != WeightMatching)
            {
                return Task.FromResult(MergeCommand.Fail($"--method {parse.GetValue(method)}: expected {WeightMatching}"));
            }

            if (parse.GetValue(iterations) <= 0)
            {
                return Task.FromResult(MergeCommand.Fail($"--iterations {parse.GetValue(iterations)}: must be positive"));
            }

            if (StagedFolderOutput.HoldsFiles(outputFolder) && !parse.GetValue(overwrite))
            {
                return Task.FromResult(MergeCommand.Fail($"{outputFolder}: is not empty (use --overwrite to write into it)"));
            }

            try
            {
                using var referenceCheckpoint = CheckpointFolder.Open(parse.GetValue(reference)!.FullName);
                using var modelCheckpoint = CheckpointFolder.Open(parse.GetValue(model)!.FullName);
                OutputOverInput.Refuse(new Dictionary<string, string> { ["reference"] = referenceCheckpoint.FolderPath, ["model"] = modelCheckpoint.FolderPath }, outputFolder);
                FolderCreation.Check(outputFolder, "--out");

                var cache = !parse.GetValue(lowMemory);
                var referenceTensors = new CheckpointAlignmentTensors(referenceCheckpoint, cache);
                var modelTensors = new CheckpointAlignmentTensors(modelCheckpoint, cache);
                var spec = PermutationSpecs.Resolve(modelCheckpoint.Config, modelTensors.Shapes, parse.GetValue(specFile)?.FullName, modelCheckpoint.FolderPath);
                var options = new WeightMatchingOptions(
                    parse.GetValue(iterations),
                    parse.GetValue(seed),
                    Log: parse.GetValue(verbose) ? line => System.Console.WriteLine(line) : null);

                var clock = Stopwatch.StartNew();
                var result = WeightMatcher.Match(referenceTensors, modelTensors, spec, options, cancellationToken);
                var seconds = clock.Elapsed.TotalSeconds;

                // Nothing partial in --out: a cancelled or failed write leaves the folder as it was.
                using var staged = new StagedFolderOutput(outputFolder);
                PermutedCheckpointWriter.Write(modelCheckpoint, new PermutedTensorMap(spec, result.Permutations), staged.Staging, cancellationToken);
                var json = PermutationsFile.ToJson(result, WeightMatching, referenceCheckpoint.FolderPath, modelCheckpoint.FolderPath, options.Seed, options.Iterations, seconds);
                PermutationsFile.Write(Path.Combine(staged.Staging, PermutationsFile.FileName), json);
                staged.Publish(last: CheckpointFolder.ConfigFileName);

                foreach (var group in result.Groups)
                {
                    System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{group.Group}: {group.UnitsMoved}/{group.Permutation.Length} units moved, objective {group.ObjectiveBefore:G6} -> {group.ObjectiveAfter:G6}"));
                }

                var state = result.Converged ? "converged" : "stopped at the iteration limit";
                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"weight matching {state} after {result.Sweeps} sweeps in {seconds:F1} s -> {outputFolder}"));
                return Task.FromResult(0);
            }
            catch (OperationCanceledException)
            {
                return Task.FromResult(MergeCommand.Fail("cancelled", 130));
            }
            catch (Exception e) when (e is AlignmentException or CheckpointException or StorageException or IOException or UnauthorizedAccessException)
            {
                return Task.FromResult(MergeCommand.Fail(e.Message));
            }
        });
        return command;
    }
}
