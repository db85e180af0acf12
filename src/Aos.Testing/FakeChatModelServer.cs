using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aos.Testing;

/// <summary>
/// Serves a fake OpenAI-compatible chat completions endpoint on a loopback port, for tests that run real HTTP.
/// </summary>
/// <remarks>
/// Answers <c>POST …/chat/completions</c> (non-streaming) with the text a responder computes from the request's
/// messages. The default responder says how many user messages it saw and repeats the last one, so a test can tell
/// whether a conversation's history was kept. Every request is recorded. Thread-safe.
/// </remarks>
public sealed class FakeChatModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<IReadOnlyList<FakeChatMessage>, string> _responder;
    private readonly ConcurrentQueue<IReadOnlyList<FakeChatMessage>> _requests = new();

    private FakeChatModelServer(WebApplication app, Func<IReadOnlyList<FakeChatMessage>, string> responder)
    {
        _app = app;
        _responder = responder;
    }

    /// <summary>Gets the base address to configure as the model endpoint, ending in <c>/v1</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Gets the messages of every request received, in order.</summary>
    public IReadOnlyList<IReadOnlyList<FakeChatMessage>> Requests => [.. _requests];

    /// <summary>Starts a server on a free loopback port.</summary>
    /// <param name="responder">Computes the reply from the request's messages; the default one counts user turns.</param>
    /// <returns>The running server.</returns>
    public static async Task<FakeChatModelServer> StartAsync(Func<IReadOnlyList<FakeChatMessage>, string>? responder = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeChatModelServer(app, responder ?? DefaultResponder);
        app.MapPost("/{**path}", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>Answers with the number of user messages seen and the last one, e.g. <c>turn 2: hello</c>.</summary>
    /// <param name="messages">The request's messages.</param>
    /// <returns>The reply text.</returns>
    public static string DefaultResponder(IReadOnlyList<FakeChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var user = messages.Where(m => m.Role == "user").ToList();
        return $"turn {user.Count}: {user.LastOrDefault()?.Content}";
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> HandleAsync(HttpContext context, string path)
    {
        if (!path.EndsWith("chat/completions", StringComparison.Ordinal))
        {
            return Results.NotFound();
        }

        var body = await JsonNode.ParseAsync(context.Request.Body);
        var messages = (body?["messages"]?.AsArray() ?? [])
            .Select(m => new FakeChatMessage(m?["role"]?.GetValue<string>() ?? string.Empty, ContentOf(m?["content"])))
            .ToList();
        _requests.Enqueue(messages);
        var text = _responder(messages);
        var response = new JsonObject
        {
            ["id"] = "chatcmpl-" + _requests.Count.ToString(CultureInfo.InvariantCulture),
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = body?["model"]?.GetValue<string>() ?? "fake",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 1, ["total_tokens"] = 2 },
        };
        return Results.Content(response.ToJsonString(), "application/json");
    }

    private static string ContentOf(JsonNode? content) => content switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>())),
        _ => string.Empty,
    };
}

/// <summary>Represents one message of a request to the <see cref="FakeChatModelServer"/>.</summary>
/// <param name="Role">The role: system, user or assistant.</param>
/// <param name="Content">The text.</param>
public sealed record FakeChatMessage(string Role, string Content);
