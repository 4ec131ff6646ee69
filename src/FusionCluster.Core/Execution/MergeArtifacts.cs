using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.ChatTemplates;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tokenizers;

namespace FusionCluster.Core.Execution;

/// <summary>The small files published beside the merged weights: config, tokenizer files and the report.</summary>
public static class MergeArtifacts
{
    public const string ReportFileName = "fusion-report.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<IReadOnlyList<PublishedFile>> BuildAsync(MergePlan plan, JsonObject report, CheckpointCache checkpoints, CancellationToken cancellationToken)
    {
        var files = new List<PublishedFile>();
        if (plan.OutputConfig is not null)
        {
            files.Add(Json("config.json", plan.OutputConfig));
        }

        if (plan.TokenizerModel is not null && plan.ModelPaths.TryGetValue(plan.TokenizerModel, out var source))
        {
            var tokenizer = await checkpoints.GetAsync(source, cancellationToken);
            foreach (var name in tokenizer.AuxiliaryFiles)
            {
                files.Add(new PublishedFile(name, await tokenizer.ReadAuxiliaryFileAsync(name, cancellationToken)));
            }

            TokenizerFiles.AddTokens(files, plan.TokenizerAddedTokens, tokenizer.Location);
            if (plan.ChatTemplate is { } template)
            {
                TokenizerChatTemplate.WriteInto(files, template, tokenizer.Location);
            }
        }

        files.Add(Json(ReportFileName, report));
        return files;
    }

    private static PublishedFile Json(string name, JsonNode node) => new(name, Encoding.UTF8.GetBytes(node.ToJsonString(Indented)));
}
