using Azure;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Azure;

/// <summary>
/// Turns blob service failures into <see cref="StorageException"/>s that name the az:// location and
/// the service's status and error code. Messages never contain account URLs, keys or SAS tokens: only
/// the az:// names built here and the service's error code.
/// </summary>
internal static class AzureErrors
{
    public static bool IsNotFound(RequestFailedException e) => e.Status == 404;

    public static StorageException Wrap(string what, Exception e)
    {
        var failure = e as RequestFailedException ?? (e as AggregateException)?.InnerExceptions.OfType<RequestFailedException>().LastOrDefault();
        if (failure is null)
        {
            return new StorageException($"{what}: {e.GetType().Name}", e);
        }

        var reason = failure.Status switch
        {
            0 => "the blob service could not be reached",
            401 or 403 => $"access denied ({failure.Status} {failure.ErrorCode}); check the account's credentials and role assignments",
            _ => $"the blob service answered {failure.Status} {failure.ErrorCode ?? "(no error code)"}",
        };
        return new StorageException($"{what}: {reason}", e);
    }
}
