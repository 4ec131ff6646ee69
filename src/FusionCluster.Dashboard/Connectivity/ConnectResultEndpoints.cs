using FusionCluster.Dashboard.Artifacts;

namespace FusionCluster.Dashboard.Connectivity;

/// <summary>
/// GET /connect/{name}/plot: a published connect result's connect.png (the plot fusion connect drew). The location
/// comes from configuration and the name must be a plain name, so nothing else is reachable this way.
/// </summary>
public static class ConnectResultEndpoints
{
    public static string PlotPath(string name) => $"connect/{Uri.EscapeDataString(name)}/plot";

    public static void MapConnectResultEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/connect/{name}/plot", PlotAsync);

    private static async Task<IResult> PlotAsync(string name, ConnectResultCatalog catalog, CancellationToken cancellationToken)
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
