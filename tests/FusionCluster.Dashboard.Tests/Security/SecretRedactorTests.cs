using FusionCluster.Dashboard.Security;
using Microsoft.Extensions.Configuration;

namespace FusionCluster.Dashboard.Tests.Security;

public sealed class SecretRedactorTests
{
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public void Account_keys_in_connection_strings_are_masked()
    {
        var text = $"cannot connect: DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

        var redacted = new SecretRedactor([]).Redact(text);

        Assert.DoesNotContain(AzuriteKey, redacted, StringComparison.Ordinal);
        Assert.Contains("AccountKey=***", redacted, StringComparison.Ordinal);
        Assert.Contains("AccountName=devstoreaccount1", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Sas_signatures_and_passwords_are_masked()
    {
        var redactor = new SecretRedactor([]);

        Assert.Equal("GET https://a.blob.core.windows.net/c/b?sv=2025-11-05&sig=*** failed", redactor.Redact("GET https://a.blob.core.windows.net/c/b?sv=2025-11-05&sig=abc%2Bdef%3D failed"));
        Assert.Equal("redis:6380,password=***,ssl=true", redactor.Redact("redis:6380,password=s3cr3t,ssl=true"));
        Assert.Equal("SharedAccessSignature=***;BlobEndpoint=x", redactor.Redact("SharedAccessSignature=sv=1&sig=2;BlobEndpoint=x"));
    }

    [Fact]
    public void Configured_connection_strings_are_masked_verbatim()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fusion:Storage:Azure:ConnectionString"] = "UseDevelopmentStorage=true;custom-token-1234",
        }).Build();

        var redacted = SecretRedactor.FromConfiguration(configuration).Redact("store UseDevelopmentStorage=true;custom-token-1234 refused");

        Assert.Equal("store *** refused", redacted);
    }

    [Fact]
    public void Null_and_empty_are_empty()
    {
        Assert.Equal("", new SecretRedactor([]).Redact(null));
        Assert.Equal("", new SecretRedactor([]).Redact(""));
    }
}
