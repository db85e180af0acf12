using System.CommandLine;
using System.Text.Json;
using Aos.Cli.Commands;

namespace Aos.Cli.Tests;

public sealed class AgentsCommandTests : IAsyncLifetime
{
    private readonly TempFiles _files = new();
    private CapturingServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await CapturingServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _files.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Register_ConfigEntries_SendsJsonValuesAndTextAsStrings()
    {
        var exit = await RunAsync("agents", "register", "--id", "c1", "--type", "echo",
            "--config", "count=5", "--config", "enabled=true", "--config", "name=Ada", "--config", "quoted=\"7\"",
            "--config", "list=[1,2]", "--config", "eq=a=b", "--config", "empty=");

        Assert.Equal(ExitCodes.Success, exit);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/agents", request.PathAndQuery);
        var config = request.Body!["config"]!.AsObject();
        Assert.Equal(JsonValueKind.Number, config["count"]!.GetValueKind());
        Assert.Equal(5, config["count"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.True, config["enabled"]!.GetValueKind());
        Assert.Equal("Ada", config["name"]!.GetValue<string>());
        Assert.Equal("7", config["quoted"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Array, config["list"]!.GetValueKind());
        Assert.Equal("a=b", config["eq"]!.GetValue<string>());
        Assert.Equal(string.Empty, config["empty"]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_Flags_SendsDescriptor()
    {
        var exit = await RunAsync("agents", "register", "--id", "f1", "--type", "purpose", "--purpose", "Plans.",
            "--capability", "plan", "--capability", "review", "--subscription", "orders");

        Assert.Equal(ExitCodes.Success, exit);
        var body = Assert.Single(_server.Requests).Body!;
        Assert.Equal("f1", body["id"]!.GetValue<string>());
        Assert.Equal("purpose", body["type"]!.GetValue<string>());
        Assert.Equal("Plans.", body["purpose"]!.GetValue<string>());
        Assert.Equal(["plan", "review"], body["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(["orders"], body["subscriptions"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Null(body["config"]);
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=value")]
    public async Task Register_ConfigWithoutKey_ExitsWithUsageAndSendsNothing(string entry)
    {
        var exit = await RunAsync("agents", "register", "--id", "c1", "--type", "echo", "--config", entry);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Register_File_SendsTheFileAsList()
    {
        var file = _files.Write("agents.yaml", "agents:\n  - id: y1\n    type: echo\n  - id: y2\n    type: echo\n");

        var exit = await RunAsync("agents", "register", "-f", file.FullName);

        Assert.Equal(ExitCodes.Success, exit);
        var body = Assert.Single(_server.Requests).Body!.AsArray();
        Assert.Equal(["y1", "y2"], body.Select(a => a!["id"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("agents", "register")]
    [InlineData("agents", "register", "--id", "only-id")]
    [InlineData("agents", "register", "--type", "echo")]
    [InlineData("agents", "register", "--id", "x", "--type", "echo", "-f", "agents.json")]
    [InlineData("agents", "send", "x")]
    [InlineData("agents", "unknown-verb")]
    [InlineData("unknown-verb")]
    public async Task Invoke_BadCommandLine_ExitsWithUsageAndSendsNothing(params string[] args)
    {
        var exit = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Invoke_ServerNotHttpUrl_ExitsWithUsage()
    {
        var exit = await AosCommand.Create().Parse(["agents", "list", "--server", "ftp://example"]).InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Usage, exit);
    }

    [Fact]
    public async Task Send_InvalidPayloadJson_ExitsWithUsageAndSendsNothing()
    {
        var exit = await RunAsync("agents", "send", "a1", "order.created", "--payload", "{not json");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Send_AllOptions_SendsEventBody()
    {
        _server.Answer = (202, "application/json", """{"messageId":"m-1","outcome":"handled"}""");

        var exit = await RunAsync("agents", "send", "a.1", "order.created", "-p", """{"n":1}""", "--priority", "high", "--message-id", "m-1");

        Assert.Equal(ExitCodes.Success, exit);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/agents/a.1/events", request.PathAndQuery);
        Assert.Equal("order.created", request.Body!["type"]!.GetValue<string>());
        Assert.Equal(1, request.Body["payload"]!["n"]!.GetValue<int>());
        Assert.Equal("high", request.Body["priority"]!.GetValue<string>());
        Assert.Equal("m-1", request.Body["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_TimeoutOption_SendsTimeoutMs()
    {
        _server.Answer = (200, "application/json", """{"messageId":"m-2","reply":{"ok":true}}""");

        var exit = await RunAsync("agents", "request", "a1", "ping", "--timeout-ms", "250");

        Assert.Equal(ExitCodes.Success, exit);
        var body = Assert.Single(_server.Requests).Body!;
        Assert.Equal("ping", body["type"]!.GetValue<string>());
        Assert.Equal(250, body["timeoutMs"]!.GetValue<int>());
        Assert.Null(body["payload"]);
    }

    [Fact]
    public async Task List_Filters_SendsQueryString()
    {
        _server.Answer = (200, "application/json", """{"items":[]}""");

        var exit = await RunAsync("agents", "list", "--type", "echo", "--status", "sleeping", "--limit", "5", "--after", "b");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal("/v1/agents?type=echo&status=sleeping&limit=5&after=b", Assert.Single(_server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Show_ServerRefuses_ExitsWithRefused()
    {
        _server.Answer = (404, "application/problem+json", """{"status":404,"title":"Agent not found","detail":"No agent 'x' is registered."}""");

        var exit = await RunAsync("agents", "show", "x");

        Assert.Equal(ExitCodes.Refused, exit);
    }

    private Task<int> RunAsync(params string[] args)
    {
        // Relative -f paths resolve against the current directory; the bad-command-line cases never read them.
        return AosCommand.Create().Parse([.. args, "--server", _server.Address.ToString()]).InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);
    }
}
