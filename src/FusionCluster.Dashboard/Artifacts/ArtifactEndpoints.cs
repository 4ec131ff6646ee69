using FusionCluster.Dashboard.Services;
using FusionCluster.Grains.Abstractions;
using Microsoft.AspNetCore.StaticFiles;

namespace FusionCluster.Dashboard.Artifacts;

/// <summary>
/// GET /jobs/{job}/artifacts/{name}: downloads one published file of a succeeded job. The location comes
/// from the job itself, never from the request, and the name must be one of that location's files, so
/// a user can read merge results and nothing else. Any signed-in user (viewer or operator) may download.
/// </summary>
public static class ArtifactEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static string DownloadPath(string jobId, string name) => $"jobs/{Uri.EscapeDataString(jobId)}/artifacts/{Uri.EscapeDataString(name)}";

    public static void MapArtifactEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/jobs/{jobId}/artifacts/{name}", DownloadAsync);

    private static async Task<IResult> DownloadAsync(string jobId, string name, IFusionCluster cluster, IArtifactBrowser artifacts, CancellationToken cancellationToken)
    {
        var job = await cluster.GetJobAsync(jobId, cancellationToken);
        if (job is not { State: JobState.Succeeded, Output: { Length: > 0 } output })
        {
            return Results.NotFound();
        }

        try
        {
            var stream = await artifacts.OpenReadAsync(output, name, cancellationToken);
            if (stream is null)
            {
                return Results.NotFound();
            }

            var contentType = ContentTypes.TryGetContentType(name, out var known) ? known : "application/octet-stream";
            return Results.Stream(stream, contentType, fileDownloadName: name, enableRangeProcessing: stream.CanSeek);
        }
        catch (ArtifactException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }
}
