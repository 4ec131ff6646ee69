using System.Text.Json.Nodes;
using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Benchmarks;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Benchmarks;

public sealed class BenchmarkResultReaderTests
{
    private const string Where = "/results/run-1/multitask.json";

    [Fact]
    public void A_document_reads_as_its_tasks_and_rows_in_order()
    {
        var view = BenchmarkResultReader.Read(BenchmarkSamples.Document(), Where, "run-1");

        Assert.Equal("run-1", view.Name);
        Assert.Equal(BenchmarkSamples.Tasks, view.Tasks);
        Assert.Equal(["pretrained", "individual", "task_arithmetic", "ties", "regmean", "emr"], view.Rows.Select(r => r.Name));
        Assert.Equal([0.9, 0.7, 0.8], view.Rows[3].Accuracy);
        Assert.Equal(0.8, view.Rows[3].Average!.Value, 12);
        Assert.Equal((2.0, 3), (view.Rows[4].StatisticsSeconds, view.Rows[4].StatisticsSilos));
        Assert.Null(view.Rows[5].Accuracy);
        Assert.Equal("not in this build", view.Rows[5].Note);
        Assert.Equal([true, true, false, false, false, false], view.Rows.Select(r => r.IsReference));
        Assert.Equal(42.5, view.WallSeconds);
    }

    [Fact]
    public void A_parsed_document_reads_as_the_built_one()
    {
        var built = BenchmarkResultReader.Read(BenchmarkSamples.Document(), Where, "run-1");
        var parsed = BenchmarkResultReader.Read(JsonNode.Parse(BenchmarkSamples.Document().ToJsonString()), Where, "run-1");

        Assert.Equal(built.Rows.Select(r => (r.Average, r.Normalized, r.Seconds)), parsed.Rows.Select(r => (r.Average, r.Normalized, r.Seconds)));
        Assert.Equal(built.Rows.SelectMany(r => r.Accuracy ?? []), parsed.Rows.SelectMany(r => r.Accuracy ?? []));
    }

    public static TheoryData<string, string> BadDocuments => new()
    {
        { """{"tasks": ["a"], "rows": []}""", "\"format\" is '', not 'fusioncluster-multitask/1'" },
        { """{"format": "fusioncluster-multitask/1", "tasks": [], "rows": []}""", "\"tasks\" must be a list of 1 to" },
        { """{"format": "fusioncluster-multitask/1", "tasks": ["a", "a"], "rows": [{}]}""", "\"tasks\" names a task twice" },
        { """{"format": "fusioncluster-multitask/1", "tasks": ["a"], "rows": [{"name": "ties", "kind": "merge", "accuracy": {"a": 1.5}}]}""", "rows[0] (ties): accuracy \"a\" must be a number from 0 to 1" },
        { """{"format": "fusioncluster-multitask/1", "tasks": ["a", "b"], "rows": [{"name": "ties", "kind": "merge", "accuracy": {"a": 0.5}}]}""", "rows[0] (ties): accuracy \"b\" must be a number from 0 to 1" },
        { """{"format": "fusioncluster-multitask/1", "tasks": ["a"], "rows": [{"name": "ties", "kind": "merge", "accuracy": null, "average": "high"}]}""", "rows[0] (ties): \"average\" must be a finite number or null" },
        { """{"format": "fusioncluster-multitask/1", "tasks": ["a"], "rows": [{"kind": "merge"}]}""", "rows[0]: \"name\" must be a non-empty string" },
    };

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public void A_bad_document_is_refused_naming_the_file_and_what_is_wrong(string json, string expected)
    {
        var error = Assert.Throws<ArtifactException>(() => BenchmarkResultReader.Read(JsonNode.Parse(json), Where, "run-1"));

        Assert.StartsWith(Where, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_that_is_not_json_is_refused_naming_the_file()
    {
        using var stream = new MemoryStream("{ not json"u8.ToArray());

        var error = await Assert.ThrowsAsync<ArtifactException>(() => BenchmarkResultReader.ReadAsync(stream, Where, "run-1", CancellationToken.None));

        Assert.StartsWith($"{Where} is not valid JSON", error.Message, StringComparison.Ordinal);
    }
}
