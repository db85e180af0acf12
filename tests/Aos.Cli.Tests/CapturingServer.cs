using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aos.Cli.Tests;

/// <summary>Serves canned answers on a loopback port and records every request the CLI sends.</summary>
internal sealed class CapturingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();

    private CapturingServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public IReadOnlyList<CapturedRequest> Requests => [.. _requests];

    /// <summary>Gets or sets the answer to every request: status, content type and body.</summary>
    public (int Status, string ContentType, string Body) Answer { get; set; } = (StatusCodes.Status201Created, "application/json", "{}");

    public static async Task<CapturingServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new CapturingServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        _requests.Enqueue(new CapturedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, string.IsNullOrEmpty(body) ? null : JsonNode.Parse(body)));
        var (status, contentType, text) = Answer;
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(text);
    }
}

/// <summary>Represents one request the CLI sent.</summary>
internal sealed record CapturedRequest(string Method, string PathAndQuery, JsonNode? Body);
