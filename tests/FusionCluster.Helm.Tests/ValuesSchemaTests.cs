using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace FusionCluster.Helm.Tests;

/// <summary>values.schema.json, as Helm applies it on install, upgrade, template and lint: it accepts the defaults and refuses bad values.</summary>
public sealed class ValuesSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(ChartFiles.SchemaPath));

    [Fact]
    public void The_schema_accepts_the_default_values()
    {
        var result = Validate(DefaultValues());

        Assert.True(result.IsValid, Describe(result));
    }

    [Fact]
    public void The_schema_accepts_a_gpu_pool_on_a_pinned_image()
    {
        var values = DefaultValues();
        var worker = values["worker"]!.AsObject();
        worker["device"] = "cuda";
        worker["gpu"]!["count"] = 1;
        worker["runtimeClassName"] = "nvidia";
        worker["nodeSelector"] = new JsonObject { ["agentpool"] = "gpu" };
        values["silo"]!["image"]!["digest"] = "sha256:" + new string('a', 64);
        values["cluster"]!["serviceId"] = "team-a.fusion";

        var result = Validate(values);

        Assert.True(result.IsValid, Describe(result));
    }

    [Theory]
    [InlineData("worker.device", "\"gpu\"")]
    [InlineData("silo.healthPort", "70000")]
    [InlineData("silo.gatewayPort", "\"30000\"")]
    [InlineData("worker.gpu.count", "-1")]
    [InlineData("silo.image.digest", "\"latest\"")]
    [InlineData("cluster.serviceId", "\"a/b\"")]
    [InlineData("redis.auth.password", "\"a,b\"")]
    [InlineData("networkPolicy.enabled", "\"yes\"")]
    [InlineData("dashboard.forwardedHeaders.knownNetworks", "[\"10.0.0.0\"]")]
    [InlineData("dashboard.auth.users", "{\"alice\": {\"role\": \"admin\", \"passwordHash\": \"pbkdf2-sha256$1$a$b\"}}")]
    [InlineData("workers", "{}")]
    [InlineData("worker.replica", "3")]
    public void The_schema_rejects_a_bad_value(string path, string json)
    {
        var values = DefaultValues();
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(values, (node, part) => node[part]!.AsObject());
        parent[parts[^1]] = JsonNode.Parse(json);

        var result = Validate(values);

        Assert.False(result.IsValid, $"{path} = {json} was accepted");
    }

    private static JsonObject DefaultValues() => YamlJson.Parse(File.ReadAllText(ChartFiles.ValuesPath))!.AsObject();

    private static EvaluationResults Validate(JsonNode values) =>
        Schema.Evaluate(JsonDocument.Parse(values.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Describe(EvaluationResults result) =>
        string.Join('\n', (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
}
