using System.Net;
using System.Text.RegularExpressions;

namespace FusionCluster.Dashboard.EndToEnd.Tests.Security;

/// <summary>
/// Plain HTTP against the dashboard, with cookies handled by hand so a test can keep a copy of a sign-in
/// cookie and replay it. Forms carry the antiforgery token their page rendered, as a browser's would.
/// </summary>
public sealed partial class DashboardHttpClient(HttpClient http) : IDisposable
{
    public const string AuthCookie = "fusion.auth";

    private readonly Dictionary<string, string> cookies = new(StringComparer.Ordinal);

    /// <summary>The sign-in cookie held now ("name=value"), or null.</summary>
    public string? SignInCookie => cookies.TryGetValue(AuthCookie, out var value) ? $"{AuthCookie}={value}" : null;

    /// <summary>Posts the login form as the login page renders it; the response (a redirect) is returned.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string name, string password)
    {
        var token = await FormTokenAsync("/login");
        return await PostAsync("/account/login", new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["UserName"] = name,
            ["Password"] = password,
            ["ReturnUrl"] = "/",
        });
    }

    /// <summary>Posts the sign-out form of the access-denied page (server-rendered; the others render in the circuit).</summary>
    public async Task<HttpResponseMessage> SignOutAsync()
    {
        var token = await FormTokenAsync("/access-denied");
        return await PostAsync("/account/logout", new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["signOut"] = "1" });
    }

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    /// <summary>Replaces the cookies held by these (a copied cookie being replayed).</summary>
    public void UseCookie(string cookie)
    {
        var equals = cookie.IndexOf('=', StringComparison.Ordinal);
        cookies[cookie[..equals]] = cookie[(equals + 1)..];
    }

    public void Dispose() => http.Dispose();

    private async Task<string> FormTokenAsync(string page)
    {
        var response = await GetAsync(page);
        var html = await response.Content.ReadAsStringAsync(Xunit.TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {page}: {(int)response.StatusCode} {response.Headers.Location}");
        var match = TokenField().Match(html);
        Assert.True(match.Success, $"GET {page} rendered no antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        return await SendAsync(request);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await http.SendAsync(request, Xunit.TestContext.Current.CancellationToken);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = header.Split(';', 2)[0];
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = (pair[..equals], pair[(equals + 1)..]);
            if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
            {
                cookies.Remove(name);
            }
            else
            {
                cookies[name] = value;
            }
        }

        return response;
    }

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="__RequestVerificationToken""")]
    private static partial Regex TokenField();
}
