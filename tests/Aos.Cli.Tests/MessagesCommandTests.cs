using Aos.Cli.Commands;

namespace Aos.Cli.Tests;

public sealed class MessagesCommandTests : IAsyncLifetime
{
    private CapturingServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await CapturingServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Publish_PostsTheMessageToTheTopic()
    {
        _server.Answer = (202, "application/json", """{"id":"m1","recipients":["a","b"],"duplicates":[]}""");

        var exit = await RunAsync("publish", "orders.eu.created", "order.created", "--payload", """{"n":1}""", "--priority", "critical",
            "--message-id", "m1", "--conversation", "c1", "--ttl-ms", "60000");

        Assert.Equal(ExitCodes.Success, exit);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/topics/orders.eu.created/messages", request.PathAndQuery);
        var body = request.Body!;
        Assert.Equal("order.created", body["type"]!.GetValue<string>());
        Assert.Equal(1, body["payload"]!["n"]!.GetValue<int>());
        Assert.Equal("critical", body["priority"]!.GetValue<string>());
        Assert.Equal("m1", body["id"]!.GetValue<string>());
        Assert.Equal("c1", body["conversationId"]!.GetValue<string>());
        Assert.Equal(60000, body["ttlMs"]!.GetValue<long>());
    }

    [Fact]
    public async Task Publish_InboxFull_ExitsRefused()
    {
        _server.Answer = (429, "application/problem+json", """{"status":429,"title":"Inbox full","detail":"The inbox of 'a' is full.","retryAfterSeconds":1}""");

        var exit = await RunAsync("publish", "orders", "order.created");

        Assert.Equal(ExitCodes.Refused, exit);
    }

    [Fact]
    public async Task Show_GetsTheMessage()
    {
        _server.Answer = (200, "application/json", """{"id":"m 1","type":"t","status":"pending","deliveries":[{"recipient":"a","status":"pending","attempts":2,"lastError":"boom"}]}""");

        var exit = await RunAsync("messages", "show", "m 1");

        Assert.Equal(ExitCodes.Success, exit);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/messages/m%201", request.PathAndQuery);
    }

    [Fact]
    public async Task DeadLetters_PassesTheCursorAndLimit()
    {
        _server.Answer = (200, "application/json", """{"items":[{"id":"m1","recipient":"a","reason":"expired"}],"next":"42"}""");

        var exit = await RunAsync("messages", "dead-letters", "--after", "7", "--limit", "50");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal("/v1/dead-letters?after=7&limit=50", Assert.Single(_server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Replay_PostsToTheDeadLetter()
    {
        _server.Answer = (200, "application/json", """{"id":"m1","replayed":1}""");

        var exit = await RunAsync("messages", "replay", "m1");

        Assert.Equal(ExitCodes.Success, exit);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/dead-letters/m1/replay", request.PathAndQuery);
    }

    [Fact]
    public async Task Discard_DeletesTheDeadLetter()
    {
        _server.Answer = (200, "application/json", """{"id":"m1","discarded":2}""");

        var exit = await RunAsync("messages", "discard", "m1");

        Assert.Equal(ExitCodes.Success, exit);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("DELETE", request.Method);
        Assert.Equal("/v1/dead-letters/m1", request.PathAndQuery);
    }

    [Theory]
    [InlineData(404, "messages", "show", "Message not found")]
    [InlineData(404, "messages", "discard", "Message not found")]
    [InlineData(404, "messages", "replay", "Message not found")]
    [InlineData(400, "messages", "replay", "Invalid request")]
    [InlineData(409, "publish", "orders", "Message id taken")]
    public async Task Problem_FromTheServer_ExitsRefused(int status, string verb, string argument, string title)
    {
        _server.Answer = (status, "application/problem+json", $$"""{"status":{{status}},"title":"{{title}}","detail":"refused on purpose"}""");

        var exit = verb == "publish" ? await RunAsync(verb, argument, "order.created") : await RunAsync(verb, argument, "m1");

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Publish_MissingType_IsAUsageError()
    {
        var exit = await RunAsync("publish", "orders");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(_server.Requests);
    }

    private Task<int> RunAsync(params string[] args) =>
        AosCommand.Create().Parse([.. args, "--server", _server.Address.ToString()]).InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);
}
