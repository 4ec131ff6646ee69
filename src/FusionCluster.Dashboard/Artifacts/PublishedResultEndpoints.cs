using FusionCluster.Dashboard.Benchmarks;
using FusionCluster.Dashboard.Connectivity;

namespace FusionCluster.Dashboard.Artifacts;

/// <summary>
/// GET /connect/{name}/plot and /benchmarks/{name}/plot: a published result's plot (the PNG the command drew). The
/// location comes from configuration and the name must be a plain name, so nothing else is reachable this way.
/// </summary>
public static class PublishedResultEndpoints
{
    /// <param name="page">The results' page: "connect" or "benchmarks".</param>
    public static string PlotPath(string page, string name) => $"{page}/{Uri.EscapeDataString(name)}/plot";

    public static void MapPublishedResultEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/connect/{name}/plot", (string name, ConnectResultCatalog catalog, CancellationToken cancellationToken) => PlotAsync(catalog, name, cancellationToken));
        endpoints.MapGet("/benchmarks/{name}/plot", (string name, BenchmarkResultCatalog catalog, CancellationToken cancellationToken) => PlotAsync(catalog, name, cancellationToken));
    }

    private static async Task<IResult> PlotAsync<TView>(PublishedResultCatalog<TView> catalog, string name, CancellationToken cancellationToken)
        where TView : class
    {
        try
        {
            var stream = await catalog.OpenPlotAsync(name, cancellationToken);
            return stream is null ? Results.NotFound() : Results.Stream(stream, "image/png", enableRangeProcessing: stream.CanSeek);
        }
        catch (ArtifactException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }
}
