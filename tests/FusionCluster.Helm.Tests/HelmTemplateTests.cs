using System.Diagnostics;
using FusionCluster.TestSupport;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Helm.Tests;

/// <summary>
/// The chart rendered by a real helm (v3.8, unpacked by deploy/local/prerequisites), not only read: every
/// object is well formed with a name Kubernetes accepts, a GPU pool schedules as values.yaml says, and values
/// the schema forbids stop the render.
/// </summary>
public sealed class HelmTemplateTests
{
    /// <summary>The longest release name helm accepts.</summary>
    private const string LongRelease = "a-release-name-of-fifty-three-characters-for-names-xx";

    [Fact]
    public async Task The_chart_renders_with_defaults_into_named_objects_with_http_health_probes()
    {
        var objects = Documents(await RenderAsync("fc"));

        Assert.Contains(objects, o => Kind(o) == "NetworkPolicy");
        Assert.Contains(objects, o => Kind(o) == "StatefulSet" && Name(o) == "fc-fusioncluster-redis");
        var worker = Assert.Single(objects, o => Kind(o) == "Deployment" && Name(o).EndsWith("-worker", StringComparison.Ordinal));
        var silo = Assert.Single(Containers(worker));
        Assert.Equal("/healthz/ready", Text(silo, "readinessProbe", "httpGet", "path"));
        Assert.Equal("/healthz/live", Text(silo, "livenessProbe", "httpGet", "path"));
        Assert.Equal("amd64", Text(PodSpec(worker), "nodeSelector", "kubernetes.io/arch"));
        // No GPU asked for: no GPU tolerations, no runtime class.
        Assert.False(PodSpec(worker).Children.ContainsKey(new YamlScalarNode("tolerations")));
        Assert.False(PodSpec(worker).Children.ContainsKey(new YamlScalarNode("runtimeClassName")));
    }

    [Fact]
    public async Task A_gpu_pool_with_the_longest_release_name_gets_tolerations_a_runtime_class_and_names_within_63()
    {
        var objects = Documents(await RenderAsync(
            LongRelease,
            "--set", "worker.gpu.count=1",
            "--set", "worker.runtimeClassName=nvidia",
            "--set", "silo.metrics.serviceMonitor.enabled=true"));

        foreach (var o in objects)
        {
            Assert.True(Name(o).Length <= 63, $"{Kind(o)} '{Name(o)}' is {Name(o).Length} characters; Kubernetes allows 63");
        }

        var worker = Assert.Single(objects, o => Kind(o) == "Deployment" && Name(o).EndsWith("-worker", StringComparison.Ordinal));
        var spec = PodSpec(worker);
        Assert.Equal("nvidia", Text(spec, "runtimeClassName"));
        var tolerations = ((YamlSequenceNode)spec.Children[new YamlScalarNode("tolerations")]).Children.Cast<YamlMappingNode>().ToList();
        Assert.Contains(tolerations, t => Text(t, "key") == "nvidia.com/gpu" && Text(t, "effect") == "NoSchedule");
        Assert.Contains(tolerations, t => Text(t, "key") == "sku" && Text(t, "value") == "gpu");
        var silo = Assert.Single(Containers(worker));
        Assert.Equal("1", Text(silo, "resources", "limits", "nvidia.com/gpu"));
        Assert.Contains(objects, o => Kind(o) == "ServiceMonitor");
    }

    [Theory]
    [InlineData("worker.gpu.count=-1", "worker.gpu.count")]
    [InlineData("architecture=sparc", "architecture")]
    public async Task Values_the_schema_forbids_stop_the_render_naming_the_key(string setting, string key)
    {
        var (exitCode, _, stderr) = await RunHelmAsync("template", "fc", ChartFiles.Directory, "--kube-version", "1.30.0", "--set", setting);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(key, stderr, StringComparison.Ordinal);
    }

    private static async Task<string> RenderAsync(string release, params string[] settings)
    {
        var (exitCode, stdout, stderr) = await RunHelmAsync(["template", release, ChartFiles.Directory, "--kube-version", "1.30.0", .. settings]);
        Assert.True(exitCode == 0, $"helm template failed ({exitCode}):\n{stderr}");
        return stdout;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunHelmAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(LocalTools.Helm) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // helm keeps caches and config under $HOME; a temporary one keeps the user's untouched.
        using var home = new TempDirectory();
        start.Environment["HOME"] = home.Path;
        start.Environment["HELM_CACHE_HOME"] = home.Combine("cache");
        start.Environment["HELM_CONFIG_HOME"] = home.Combine("config");
        start.Environment["HELM_DATA_HOME"] = home.Combine("data");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static List<YamlMappingNode> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var objects = stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
        Assert.NotEmpty(objects);
        foreach (var o in objects)
        {
            Assert.False(string.IsNullOrEmpty(Text(o, "apiVersion")), $"an object without apiVersion: {Name(o)}");
            Assert.False(string.IsNullOrEmpty(Kind(o)), $"an object without kind: {Name(o)}");
            Assert.Matches("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", Name(o));
        }

        return objects;
    }

    private static string Kind(YamlMappingNode o) => Text(o, "kind");

    private static string Name(YamlMappingNode o) => Text(o, "metadata", "name");

    private static YamlMappingNode PodSpec(YamlMappingNode workload) => Node(workload, "spec", "template", "spec");

    private static IEnumerable<YamlMappingNode> Containers(YamlMappingNode workload) =>
        ((YamlSequenceNode)PodSpec(workload).Children[new YamlScalarNode("containers")]).Children.Cast<YamlMappingNode>();

    private static YamlMappingNode Node(YamlMappingNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => (YamlMappingNode)current.Children[new YamlScalarNode(key)]);

    private static string Text(YamlMappingNode node, params string[] path)
    {
        var parent = Node(node, path[..^1]);
        return parent.Children.TryGetValue(new YamlScalarNode(path[^1]), out var value) ? ((YamlScalarNode)value).Value ?? "" : "";
    }
}
