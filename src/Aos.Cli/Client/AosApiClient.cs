using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aos.Cli.Client;

/// <summary>Talks to a running AOS server over its HTTP API and turns failures into one-line <see cref="CliException"/>s.</summary>
internal sealed class AosApiClient : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Initializes a new instance of the <see cref="AosApiClient"/> class.</summary>
    /// <param name="server">The server.</param>
    /// <param name="apiKey">The API key presented as <c>Authorization: Bearer</c>, or <see langword="null"/> for none.</param>
    /// <param name="tenant">The tenant to act in, sent as <c>X-Aos-Tenant</c>, or <see langword="null"/> for the key's own.</param>
    public AosApiClient(Uri server, string? apiKey = null, string? tenant = null)
    {
        Server = server;
        if (apiKey is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        if (!string.IsNullOrEmpty(tenant))
        {
            _http.DefaultRequestHeaders.Add("X-Aos-Tenant", tenant);
        }
    }

    public Uri Server { get; }

    public Task<JsonNode?> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, Resolve(path)), cancellationToken);

    public Task<JsonNode?> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, Resolve(path)), cancellationToken);

    // A null body is sent as no body at all (a signal without a payload, a cancel).
    public Task<JsonNode?> PostAsync(string path, JsonNode? body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, Resolve(path)) { Content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") }, cancellationToken);

    public Task<JsonNode?> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> form, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, Resolve(path)) { Content = new FormUrlEncodedContent(form) }, cancellationToken);

    public Task<JsonNode?> PutAsync(string path, JsonNode body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Put, Resolve(path)) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") }, cancellationToken);

    /// <summary>Copies a response body (an export) to a stream as it arrives, failing like the JSON verbs on an error status.</summary>
    public async Task DownloadAsync(string path, Stream destination, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Resolve(path));
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await body.CopyToAsync(destination, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    // Appends rather than resolves, so a server behind a path prefix (http://host/aos) keeps its prefix.
    private Uri Resolve(string path) => new(Server.GetLeftPart(UriPartial.Path).TrimEnd('/') + path);

    private async Task<JsonNode?> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"cannot reach AOS at {Server}: {ex.Message} (start it with 'aos up', or point --server / AOS_SERVER at it)", ExitCodes.Refused);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                throw new CliException($"401 {Describe(text, response.ReasonPhrase)} (give a key with --api-key or AOS_API_KEY, or sign in with 'aos login'; a node's admin key is in <data>/credentials/admin.key)", ExitCodes.Refused);
            }

            throw new CliException($"{(int)response.StatusCode} {Describe(text, response.ReasonPhrase)}", ExitCodes.Refused);
        }
    }

    private static string Describe(string body, string? reason)
    {
        try
        {
            var problem = JsonNode.Parse(body);
            var detail = problem?["detail"]?.GetValue<string>() ?? problem?["title"]?.GetValue<string>();
            var messageId = problem?["messageId"]?.GetValue<string>();
            if (detail is not null)
            {
                return messageId is null ? detail : $"{detail} (message {messageId})";
            }
        }
        catch (JsonException)
        {
        }

        return string.IsNullOrWhiteSpace(body) ? reason ?? "error" : body.Trim();
    }
}
