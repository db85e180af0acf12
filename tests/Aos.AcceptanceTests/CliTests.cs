using System.Text.Json.Nodes;

namespace Aos.AcceptanceTests;

/// <summary>Starts one <c>aos up</c> for the CLI tests; each test uses its own agent ids.</summary>
public sealed class AosUpFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();

    public AosUpProcess Aos { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Aos = await AosUpProcess.StartAsync(_data.Path);

    public async ValueTask DisposeAsync()
    {
        await Aos.DisposeAsync();
        _data.Dispose();
    }
}

public sealed class CliTests(AosUpFixture fixture) : IClassFixture<AosUpFixture>, IDisposable
{
    private readonly Uri _server = fixture.Aos.Url;
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task AnyVerb_ServerEnvironmentNotAUrl_ExitsOne()
    {
        var result = await AosCli.RunAsync(new Dictionary<string, string> { ["AOS_SERVER"] = "localhost:5080" }, "agents", "list");

        result.AssertExitCode(1);
        Assert.Equal("aos: --server 'localhost:5080' is not an http(s) URL, for instance http://127.0.0.1:5080", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Version_Flag_PrintsVersionAndExitsZero()
    {
        var result = await AosCli.RunAsync("--version");

        result.AssertExitCode(0);
        Assert.StartsWith("0.1.0", result.StandardOutput.Trim());
        Assert.Empty(result.StandardError);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("agents", "bogus")]
    public async Task UnknownVerb_AnyLevel_ExitsOne(params string[] args)
    {
        var result = await AosCli.RunAsync(args);

        result.AssertExitCode(1);
        Assert.Contains("Unrecognized command or argument 'bogus'", result.StandardError);
    }

    [Fact]
    public async Task MissingArgument_Send_ExitsOne()
    {
        var result = await AosCli.RunAsync("agents", "send", "only-an-id", "--server", _server.ToString());

        result.AssertExitCode(1);
        Assert.Contains("Required argument 'type' missing", result.StandardError);
    }

    [Fact]
    public async Task AnyVerb_ServerUnreachable_ExitsTwoWithOneLineReason()
    {
        var closed = new Uri($"http://127.0.0.1:{DotNet.FreePort()}");

        var result = await AosCli.RunAsync("agents", "list", "--server", closed.ToString());

        result.AssertExitCode(2);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"aos: cannot reach AOS at {closed}", line);
        Assert.Contains("aos up", line);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task AnyVerb_ServerFromEnvironmentUnreachable_ExitsTwo()
    {
        var result = await AosCli.RunAsync(new Dictionary<string, string> { ["AOS_SERVER"] = "http://127.0.0.1:1" }, "status");

        result.AssertExitCode(2);
        Assert.StartsWith("aos: cannot reach AOS at http://127.0.0.1:1/", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Register_YamlFileWithSeveralAgents_RegistersEveryOne()
    {
        var prefix = NewPrefix();
        var file = _files.Combine("agents.yaml");
        await File.WriteAllTextAsync(file, $"""
            # Three agents, one file.
            agents:
              - id: {prefix}-a
                type: echo
                capabilities: [yaml-{prefix}]
                config:
                  retries: 3
                  verbose: true
                  code: "007"
              - id: {prefix}-b
                type: purpose
                purpose: Keeps the books.
                capabilities: [yaml-{prefix}]
              - id: {prefix}-c
                type: echo
                capabilities: [yaml-{prefix}]
            """, TestContext.Current.CancellationToken);

        var result = await AosCli.RunAsync("agents", "register", "-f", file, "--server", _server.ToString());

        result.AssertExitCode(0);
        Assert.Contains($"Registered {prefix}-a.", result.StandardOutput);
        Assert.Contains($"Registered {prefix}-b.", result.StandardOutput);
        Assert.Contains($"Registered {prefix}-c.", result.StandardOutput);
        var listed = await ListIdsAsync("--capability", $"yaml-{prefix}");
        Assert.Equal([$"{prefix}-a", $"{prefix}-b", $"{prefix}-c"], listed);
        var a = await AosCli.JsonAsync(_server, "agents", "show", $"{prefix}-a");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"retries":3,"verbose":true,"code":"007"}"""), a["config"]), a.ToJsonString());
        Assert.Equal("Keeps the books.", (await AosCli.JsonAsync(_server, "agents", "show", $"{prefix}-b"))["purpose"]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_JsonFile_RegistersTheAgents()
    {
        var prefix = NewPrefix();
        var file = _files.Combine("agents.json");
        await File.WriteAllTextAsync(file, $$"""
            [
              { "id": "{{prefix}}-x", "type": "echo", "capabilities": ["json-{{prefix}}"] },
              { "id": "{{prefix}}-y", "type": "purpose", "capabilities": ["json-{{prefix}}"], "config": { "limit": 10 } }
            ]
            """, TestContext.Current.CancellationToken);

        var registered = await AosCli.JsonAsync(_server, "agents", "register", "-f", file);

        Assert.Equal([$"{prefix}-x", $"{prefix}-y"], registered.AsArray().Select(a => a!["id"]!.GetValue<string>()));
        Assert.Equal([$"{prefix}-x", $"{prefix}-y"], await ListIdsAsync("--capability", $"json-{prefix}"));
        Assert.Equal(10, (await AosCli.JsonAsync(_server, "agents", "show", $"{prefix}-y"))["config"]!["limit"]!.GetValue<int>());
    }

    [Fact]
    public async Task Register_MalformedFile_ExitsOneAndRegistersNothing()
    {
        var file = _files.Combine("broken.yaml");
        await File.WriteAllTextAsync(file, "agents:\n  - id: [unclosed\n", TestContext.Current.CancellationToken);

        var result = await AosCli.RunAsync("agents", "register", "-f", file, "--server", _server.ToString());

        result.AssertExitCode(1);
        Assert.StartsWith("aos: broken.yaml is not valid YAML", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Register_MissingFile_ExitsOne()
    {
        var result = await AosCli.RunAsync("agents", "register", "-f", _files.Combine("nowhere.yaml"), "--server", _server.ToString());

        result.AssertExitCode(1);
        Assert.StartsWith("aos: file not found", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Register_DuplicateId_ExitsTwoWithReasonAndKeepsTheOriginal()
    {
        var id = NewPrefix();
        await AosCli.JsonAsync(_server, "agents", "register", "--id", id, "--type", "purpose", "--purpose", "Original.");

        var result = await AosCli.RunAsync("agents", "register", "--id", id, "--type", "echo", "--server", _server.ToString());

        result.AssertExitCode(2);
        Assert.Equal($"aos: 409 An agent with id '{id}' is registered already. Choose another id, or deregister the existing agent first.", Assert.Single(result.ErrorLines));
        var agent = await AosCli.JsonAsync(_server, "agents", "show", id);
        Assert.Equal("purpose", agent["type"]!.GetValue<string>());
        Assert.Equal("Original.", agent["purpose"]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_UnknownType_ExitsTwoListingKnownTypes()
    {
        var result = await AosCli.RunAsync("agents", "register", "--id", NewPrefix(), "--type", "wizard", "--server", _server.ToString());

        result.AssertExitCode(2);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("aos: 400 Unknown agent type 'wizard'. Known types: chat, echo, purpose.", line);
    }

    [Fact]
    public async Task Register_ChatWithoutModel_ExitsTwoNamingTheSetting()
    {
        var result = await AosCli.RunAsync("agents", "register", "--id", NewPrefix(), "--type", "chat", "--server", _server.ToString());

        result.AssertExitCode(2);
        Assert.Contains("Aos:Models:Default", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task List_Json_ParsesAsPage()
    {
        var id = NewPrefix();
        await AosCli.JsonAsync(_server, "agents", "register", "--id", id, "--type", "echo");

        var result = await AosCli.RunAsync("agents", "list", "--json", "--limit", "1000", "--server", _server.ToString());

        result.AssertExitCode(0);
        var page = Assert.IsType<JsonObject>(JsonNode.Parse(result.StandardOutput));
        var items = page["items"]!.AsArray();
        Assert.Contains(id, items.Select(a => a!["id"]!.GetValue<string>()));
        Assert.All(items, a => Assert.NotNull(a!["status"]));
    }

    [Fact]
    public async Task List_TypeFilter_ListsOnlyThatType()
    {
        var prefix = NewPrefix();
        var capability = $"mixed-{prefix}";
        await AosCli.JsonAsync(_server, "agents", "register", "--id", $"{prefix}-e", "--type", "echo", "--capability", capability);
        await AosCli.JsonAsync(_server, "agents", "register", "--id", $"{prefix}-p", "--type", "purpose", "--capability", capability);

        var echoes = (await AosCli.JsonAsync(_server, "agents", "list", "--type", "echo", "--limit", "1000"))["items"]!.AsArray();
        var mixed = await ListIdsAsync("--capability", capability);
        var purposeOnly = await ListIdsAsync("--capability", capability, "--type", "purpose");

        Assert.NotEmpty(echoes);
        Assert.All(echoes, a => Assert.Equal("echo", a!["type"]!.GetValue<string>()));
        Assert.Contains($"{prefix}-e", echoes.Select(a => a!["id"]!.GetValue<string>()));
        Assert.DoesNotContain($"{prefix}-p", echoes.Select(a => a!["id"]!.GetValue<string>()));
        Assert.Equal([$"{prefix}-e", $"{prefix}-p"], mixed);
        Assert.Equal([$"{prefix}-p"], purposeOnly);
    }

    [Fact]
    public async Task List_Table_ShowsTheAgent()
    {
        var id = NewPrefix();
        await AosCli.JsonAsync(_server, "agents", "register", "--id", id, "--type", "echo", "--capability", $"table-{id}");

        var result = await AosCli.RunAsync("agents", "list", "--capability", $"table-{id}", "--server", _server.ToString());

        result.AssertExitCode(0);
        Assert.Contains(id, result.StandardOutput);
        Assert.Contains("sleeping", result.StandardOutput);
    }

    [Fact]
    public async Task List_BadStatus_ExitsTwoWithReason()
    {
        var result = await AosCli.RunAsync("agents", "list", "--status", "dozing", "--server", _server.ToString());

        result.AssertExitCode(2);
        Assert.Equal("aos: 400 Unknown status 'dozing'; use active, sleeping or failed.", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Types_Json_ListsBuiltInTypes()
    {
        var types = await AosCli.JsonAsync(_server, "agents", "types");

        Assert.Equal(["chat", "echo", "purpose"], types.AsArray().Select(t => t!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SendAndRequest_Echo_PrintReadableResults()
    {
        var id = NewPrefix();
        await AosCli.JsonAsync(_server, "agents", "register", "--id", id, "--type", "echo");

        var sent = await AosCli.RunAsync("agents", "send", id, "tick", "--message-id", "m-1", "--server", _server.ToString());
        var requested = await AosCli.RunAsync("agents", "request", id, "hello", "-p", """{"name":"Ada"}""", "--server", _server.ToString());

        sent.AssertExitCode(0);
        Assert.Equal("handled: message m-1", sent.StandardOutput.Trim());
        requested.AssertExitCode(0);
        Assert.Equal("""{"type":"echo","payload":{"name":"Ada"}}""", requested.StandardOutput.Trim());
    }

    [Fact]
    public async Task Send_InvalidPayload_ExitsOne()
    {
        var result = await AosCli.RunAsync("agents", "send", "anyone", "tick", "--payload", "{oops", "--server", _server.ToString());

        result.AssertExitCode(1);
        Assert.StartsWith("aos: invalid JSON", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Show_UnknownAgent_ExitsTwoWithReason()
    {
        var id = NewPrefix();

        var result = await AosCli.RunAsync("agents", "show", id, "--server", _server.ToString());

        result.AssertExitCode(2);
        Assert.Equal($"aos: 404 No agent '{id}' is registered. List agents with 'aos agents list' or register it first.", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Deregister_Registered_ExitsZeroAndForgetsTheAgent()
    {
        var id = NewPrefix();
        await AosCli.JsonAsync(_server, "agents", "register", "--id", id, "--type", "echo");

        var removed = await AosCli.JsonAsync(_server, "agents", "deregister", id);
        var show = await AosCli.RunAsync("agents", "show", id, "--server", _server.ToString());
        var again = await AosCli.RunAsync("agents", "deregister", id, "--server", _server.ToString());

        Assert.Equal(id, removed["deregistered"]!.GetValue<string>());
        show.AssertExitCode(2);
        again.AssertExitCode(2);
    }

    private async Task<List<string>> ListIdsAsync(params string[] filters) =>
        [.. (await AosCli.JsonAsync(_server, ["agents", "list", .. filters]))["items"]!.AsArray().Select(a => a!["id"]!.GetValue<string>())];

    private static string NewPrefix() => "cli-" + Guid.NewGuid().ToString("N")[..12];
}
