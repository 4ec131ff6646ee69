using FusionCluster.Core.Storage;
using FusionCluster.Storage.Azure;

namespace FusionCluster.Storage.Tests.Azure;

/// <summary>Location parsing needs no service: these run without Azurite.</summary>
public sealed class AzureLocationTests
{
    // A store whose account is never contacted: malformed locations fail before any request.
    private static readonly AzureBlobStore Store = AzureBlobStore.FromConnectionString("UseDevelopmentStorage=true");

    [Theory]
    [InlineData("az://models/llama/base", "az://models/llama/base")]
    [InlineData("az://models/llama/base/", "az://models/llama/base")]
    [InlineData("AZ://models/x", "az://models/x")]
    [InlineData("az://models", "az://models")]
    [InlineData("az://models/", "az://models")]
    [InlineData("az://a-1/x.y/z_w", "az://a-1/x.y/z_w")]
    public void Valid_locations_resolve_to_their_canonical_form(string location, string canonical)
    {
        Assert.True(Store.Handles(location));
        Assert.Equal(canonical, Store.Resolve(location, "/ignored", mustExist: false));
    }

    [Theory]
    [InlineData("az://Bad_Container/x", "container name 'Bad_Container'")]
    [InlineData("az://ab/x", "container name 'ab'")]
    [InlineData("az://-models/x", "container name '-models'")]
    [InlineData("az://mo--dels/x", "container name 'mo--dels'")]
    [InlineData("az:///x", "container name ''")]
    [InlineData("az://models/../etc", "'..' segment")]
    [InlineData("az://models/a/./b", "'..' segment")]
    [InlineData("az://models//x", "empty path segment")]
    [InlineData("az://models/a//b", "empty path segment")]
    [InlineData("az://models/a\\b", "without '\\'")]
    [InlineData("az://models/a\u0001b", "control characters")]
    public void Malformed_locations_fail_naming_the_location_and_the_problem(string location, string problem)
    {
        var error = Assert.Throws<StorageException>(() => Store.Resolve(location, "/ignored", mustExist: true));
        Assert.Contains($"'{location}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Throws<StorageException>(() => Store.OpenOutput(location, "job-1"));
    }

    [Fact]
    public void Only_az_locations_are_handled()
    {
        Assert.False(Store.Handles("/models/base"));
        Assert.False(Store.Handles("models/base"));
        Assert.False(Store.Handles("https://account.blob.core.windows.net/models/base"));
    }

    [Fact]
    public void A_long_prefix_is_refused()
    {
        var error = Assert.Throws<StorageException>(() => AzureLocation.Parse("az://models/" + new string('a', 1100)));
        Assert.Contains("at most 1024 characters", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../job")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("")]
    public void Output_job_ids_become_blob_names_so_they_are_checked(string jobId)
    {
        var error = Assert.Throws<StorageException>(() => Store.OpenOutput("az://models/out", jobId));
        Assert.Contains("job id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_connection_string_is_reported_without_quoting_it()
    {
        const string Secret = "AccountKey=c2VjcmV0LWtleS12YWx1ZQ==;Nonsense";
        var error = Assert.Throws<StorageException>(() => AzureBlobStore.FromConnectionString(Secret));
        Assert.DoesNotContain("c2VjcmV0", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }
}
