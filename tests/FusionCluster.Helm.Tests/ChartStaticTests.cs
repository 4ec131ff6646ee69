using System.Text.Json.Nodes;

namespace FusionCluster.Helm.Tests;

/// <summary>What can be checked about the chart without helm: YAML, values paths, named templates, block structure.</summary>
public sealed class ChartStaticTests
{
    [Fact]
    public void Values_and_chart_metadata_parse_as_yaml()
    {
        var values = Assert.IsType<JsonObject>(YamlJson.Parse(File.ReadAllText(ChartFiles.ValuesPath)));
        var chart = Assert.IsType<JsonObject>(YamlJson.Parse(File.ReadAllText(ChartFiles.ChartPath)));

        Assert.Equal("fusioncluster", (string?)chart["name"]);
        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.Matches(@"^\d+\.\d+\.\d+", (string?)chart["version"] ?? "");
        Assert.NotNull(values["silo"]);
    }

    [Fact]
    public void Every_values_path_a_template_reads_exists_in_values_yaml()
    {
        var values = Assert.IsType<JsonObject>(YamlJson.Parse(File.ReadAllText(ChartFiles.ValuesPath)));
        var paths = TemplateReferences.ValuesPaths(ChartFiles.Templates()).Distinct().ToList();

        var missing = paths.Where(use => !Exists(values, use.Path)).Select(use => $"{use.File}: .Values.{use.Path}").ToList();

        // The scan must see the chart's values at all, or it would pass vacuously.
        Assert.Contains(paths, use => use.Path == "silo.healthPort");
        Assert.Contains(paths, use => use.Path == "worker.runtimeClassName");
        Assert.True(missing.Count == 0, "values paths missing from values.yaml:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void Every_included_template_is_defined()
    {
        var templates = ChartFiles.Templates();
        var defined = TemplateReferences.DefinedNames(templates).ToHashSet(StringComparer.Ordinal);

        var undefined = TemplateReferences.IncludedNames(templates).Where(use => !defined.Contains(use.Name)).Select(use => $"{use.File}: {use.Name}").ToList();

        Assert.Contains("fusioncluster.serviceId", defined);
        Assert.True(undefined.Count == 0, "included but never defined:\n" + string.Join('\n', undefined));
    }

    [Fact]
    public void Every_template_closes_each_block_it_opens()
    {
        var unbalanced = ChartFiles.Templates()
            .Select(t => (t.Key, Open: TemplateReferences.UnclosedBlocks(t.Value)))
            .Where(t => t.Open != 0)
            .Select(t => $"{t.Key}: {t.Open} unclosed")
            .ToList();

        Assert.True(unbalanced.Count == 0, string.Join('\n', unbalanced));
    }

    [Theory]
    [InlineData("{{ if .a }}x{{ end }}", 0)]
    [InlineData("{{- with .a }}{{ range .b }}{{ end }}", 1)]
    [InlineData("{{/* if a comment */}}{{ end }}", -1)]
    [InlineData("{{- define \"n\" -}}{{- if .x }}{{ else }}{{ end }}{{- end }}", 0)]
    public void Block_counting_matches_hand_counted_templates(string template, int expected) =>
        Assert.Equal(expected, TemplateReferences.UnclosedBlocks(template));

    [Fact]
    public void The_values_path_scan_finds_direct_aliased_and_pool_paths()
    {
        var templates = new Dictionary<string, string>
        {
            ["t.yaml"] = "{{ .Values.a.b }} {{- $r := .Values.redis }} {{ $r.image.tag }} {{ $v.replicas }} {{ $root.Values.c }} {{ range $k, $u := .Values.users }}{{ $u.role }}{{ end }}",
        };

        var paths = TemplateReferences.ValuesPaths(templates).Select(use => use.Path).Order(StringComparer.Ordinal);

        Assert.Equal(["a.b", "c", "coordinator.replicas", "redis", "redis.image.tag", "users", "worker.replicas"], paths);
    }

    private static bool Exists(JsonObject values, string path)
    {
        JsonNode? node = values;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject map || !map.ContainsKey(part))
            {
                return false;
            }

            node = map[part];
        }

        return true;
    }
}
