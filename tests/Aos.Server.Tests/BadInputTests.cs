using System.Text.Json.Nodes;

namespace Aos.Server.Tests;

/// <summary>Each bad input gets a clear 4xx problem and changes nothing.</summary>
public sealed class BadInputTests(ServerFixture fixture)
{
    private const int OneMiB = 1024 * 1024;

    private readonly ServerHost _server = fixture.Server;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RegisterAgent_UnknownType_Returns400ListingKnownTypes()
    {
        var id = ServerHost.NewId("unknown-type");

        using var response = await PostAsync("/v1/agents", new JsonObject { ["id"] = id, ["type"] = "no-such-type" });

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("Unknown agent type 'no-such-type'", problem.Detail());
        Assert.Contains("Known types: chat, echo, purpose, slow", problem.Detail());
        Assert.Equal("type", problem["field"]!.GetValue<string>());
        await AssertNotRegisteredAsync(id);
    }

    [Fact]
    public async Task RegisterAgent_MisspelledField_Returns400NamingIt()
    {
        var id = ServerHost.NewId("misspelled");

        using var response = await PostAsync("/v1/agents", new JsonObject { ["id"] = id, ["type"] = "echo", ["capabilites"] = new JsonArray("x") });

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("capabilites", problem.Detail());
        await AssertNotRegisteredAsync(id);
    }

    [Fact]
    public async Task RegisterAgent_MissingType_Returns400()
    {
        var id = ServerHost.NewId("no-type");

        using var response = await PostAsync("/v1/agents", new JsonObject { ["id"] = id, ["type"] = " " });

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("needs a type", problem.Detail());
        await AssertNotRegisteredAsync(id);
    }

    [Fact]
    public async Task RegisterAgent_DuplicateId_Returns409AndKeepsTheOriginal()
    {
        var id = await _server.RegisterAsync("purpose", purpose: "The original.", capabilities: "first");

        using var response = await PostAsync("/v1/agents", new JsonObject { ["id"] = id, ["type"] = "echo", ["purpose"] = "The impostor." });

        var problem = await response.AssertProblemAsync(409);
        Assert.Contains($"'{id}' is registered already", problem.Detail());
        var agent = await _server.GetJsonAsync($"/v1/agents/{id}");
        Assert.Equal("purpose", agent["type"]!.GetValue<string>());
        Assert.Equal("The original.", agent["purpose"]!.GetValue<string>());
        Assert.Equal(["first"], agent["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public async Task RegisterAgents_ArrayWithOneDuplicate_Returns409AndRegistersNone()
    {
        var existing = await _server.RegisterAsync("echo");
        var fresh = ServerHost.NewId("fresh");
        var body = new JsonArray(new JsonObject { ["id"] = fresh, ["type"] = "echo" }, new JsonObject { ["id"] = existing, ["type"] = "echo" });

        using var response = await PostAsync("/v1/agents", body);

        await response.AssertProblemAsync(409);
        await AssertNotRegisteredAsync(fresh);
    }

    [Fact]
    public async Task RegisterAgents_ArrayWithOneInvalid_Returns400AndRegistersNone()
    {
        var fresh = ServerHost.NewId("fresh");
        var body = new JsonArray(new JsonObject { ["id"] = fresh, ["type"] = "echo" }, new JsonObject { ["id"] = "bad id", ["type"] = "echo" });

        using var response = await PostAsync("/v1/agents", body);

        await response.AssertProblemAsync(400);
        await AssertNotRegisteredAsync(fresh);
    }

    [Fact]
    public async Task RegisterAgents_SameIdTwiceInOneArray_Returns400AndRegistersNone()
    {
        var id = ServerHost.NewId("twice");
        var body = new JsonArray(new JsonObject { ["id"] = id, ["type"] = "echo" }, new JsonObject { ["id"] = id, ["type"] = "echo" });

        using var response = await PostAsync("/v1/agents", body);

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("appears twice", problem.Detail());
        await AssertNotRegisteredAsync(id);
    }

    [Theory]
    [InlineData("has space", "contains ' '")]
    [InlineData("slash/inside", "contains '/'")]
    [InlineData("colon:inside", "contains ':'")]
    [InlineData("ünïcode", "contains 'ü'")]
    [InlineData("", "An agent id is required")]
    [InlineData(".", "'.' and '..' cannot be addressed in a URL")]
    [InlineData("..", "'.' and '..' cannot be addressed in a URL")]
    public async Task RegisterAgent_IdWithForbiddenCharacters_Returns400(string id, string reason)
    {
        var capability = ServerHost.NewId("bad-id");

        using var response = await PostAsync("/v1/agents", new JsonObject { ["id"] = id, ["type"] = "echo", ["capabilities"] = new JsonArray(capability) });

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains(reason, problem.Detail());
        Assert.Equal("id", problem["field"]!.GetValue<string>());
        await AssertNoAgentWithCapabilityAsync(capability);
    }

    [Fact]
    public async Task RegisterAgent_IdLongerThan128_Returns400()
    {
        var capability = ServerHost.NewId("long-id");

        using var response = await PostAsync("/v1/agents", new JsonObject { ["id"] = new string('a', 129), ["type"] = "echo", ["capabilities"] = new JsonArray(capability) });

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("129 characters long; the limit is 128", problem.Detail());
        await AssertNoAgentWithCapabilityAsync(capability);
    }

    [Fact]
    public async Task RegisterAgent_IdOf128_IsAccepted()
    {
        var id = "x" + Guid.NewGuid().ToString("N") + new string('y', 128 - 33);

        using var response = await PostAsync("/v1/agents", new JsonObject { ["id"] = id, ["type"] = "echo" });

        await response.AssertJsonAsync(201);
        Assert.Equal(id, (await _server.GetJsonAsync($"/v1/agents/{id}"))["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"id\":\"a\",")]
    [InlineData("not json at all")]
    [InlineData("{\"id\":\"a\" \"type\":\"echo\"}")]
    public async Task RegisterAgent_MalformedJson_Returns400(string body)
    {
        using var response = await _server.Http.PostAsync("/v1/agents", ServerHost.Json(body), Token);

        await response.AssertProblemAsync(400);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"echo\"")]
    [InlineData("[]")]
    [InlineData("{\"id\":7,\"type\":\"echo\"}")]
    [InlineData("{\"type\":\"echo\"}")]
    public async Task RegisterAgent_WrongShape_Returns400(string body)
    {
        using var response = await _server.Http.PostAsync("/v1/agents", ServerHost.Json(body), Token);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task RegisterAgent_ChatWithoutModel_Returns400NamingTheSetting()
    {
        var id = ServerHost.NewId("chat");

        using var response = await PostAsync("/v1/agents", new JsonObject { ["id"] = id, ["type"] = "chat", ["purpose"] = "Chats." });

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("Aos:Models:Default", problem.Detail());
        Assert.Contains("AOS__MODELS__DEFAULT__ENDPOINT", problem.Detail());
        Assert.Equal("Aos:Models:Default", problem["field"]!.GetValue<string>());
        await AssertNotRegisteredAsync(id);
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("DELETE", "")]
    [InlineData("POST", "/events")]
    [InlineData("POST", "/requests")]
    [InlineData("GET", "/context")]
    public async Task AgentResource_UnknownAgent_Returns404(string method, string suffix)
    {
        var id = ServerHost.NewId("ghost");
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/v1/agents/{id}{suffix}");
        if (method == "POST")
        {
            request.Content = ServerHost.Json(new JsonObject { ["type"] = "ping" });
        }

        using var response = await _server.Http.SendAsync(request, Token);

        var problem = await response.AssertProblemAsync(404);
        Assert.Contains($"No agent '{id}' is registered", problem.Detail());
        await AssertNotRegisteredAsync(id);
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("DELETE", "")]
    [InlineData("POST", "/events")]
    [InlineData("GET", "/context")]
    public async Task AgentResource_InvalidId_Returns400(string method, string suffix)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/v1/agents/bad%20id{suffix}");
        if (method == "POST")
        {
            request.Content = ServerHost.Json(new JsonObject { ["type"] = "ping" });
        }

        using var response = await _server.Http.SendAsync(request, Token);

        await response.AssertProblemAsync(400);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"type\":\"\"}")]
    [InlineData("{\"type\":\"   \"}")]
    [InlineData("{\"payload\":{\"a\":1}}")]
    public async Task SendEvent_MissingType_Returns400AndRecordsNothing(string body)
    {
        var id = await _server.RegisterAsync("echo");

        using var response = await _server.Http.PostAsync($"/v1/agents/{id}/events", ServerHost.Json(body), Token);

        var problem = await response.AssertProblemAsync(400);
        Assert.Equal("type", problem["field"]!.GetValue<string>());
        await AssertUntouchedAsync(id);
    }

    [Fact]
    public async Task SendRequest_MissingType_Returns400AndRecordsNothing()
    {
        var id = await _server.RegisterAsync("echo");

        using var response = await _server.Http.PostAsync($"/v1/agents/{id}/requests", ServerHost.Json("{\"payload\":1}"), Token);

        var problem = await response.AssertProblemAsync(400);
        Assert.Equal("type", problem["field"]!.GetValue<string>());
        await AssertUntouchedAsync(id);
    }

    [Theory]
    [InlineData("/events", "{\"type\":\"tick\",")]
    [InlineData("/events", "{\"type\":42}")]
    [InlineData("/events", "{\"type\":\"tick\",\"priority\":\"urgent\"}")]
    [InlineData("/events", "{\"type\":\"tick\",\"priority\":2}")]
    [InlineData("/requests", "[1,2")]
    [InlineData("/requests", "{\"type\":\"ping\",\"timeoutMs\":\"soon\"}")]
    public async Task SendMessage_MalformedBody_Returns400AndRecordsNothing(string suffix, string body)
    {
        var id = await _server.RegisterAsync("echo");

        using var response = await _server.Http.PostAsync($"/v1/agents/{id}{suffix}", ServerHost.Json(body), Token);

        await response.AssertProblemAsync(400);
        await AssertUntouchedAsync(id);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task SendRequest_NonPositiveTimeout_Returns400AndRecordsNothing(int timeoutMs)
    {
        var id = await _server.RegisterAsync("echo");

        using var response = await PostAsync($"/v1/agents/{id}/requests", new JsonObject { ["type"] = "ping", ["timeoutMs"] = timeoutMs });

        var problem = await response.AssertProblemAsync(400);
        Assert.Equal("timeoutMs", problem["field"]!.GetValue<string>());
        await AssertUntouchedAsync(id);
    }

    [Fact]
    public async Task SendRequest_UnhandledRequestType_Returns400NamingHandledTypes()
    {
        var id = await _server.RegisterAsync("purpose");

        using var response = await PostAsync($"/v1/agents/{id}/requests", new JsonObject { ["type"] = "no.such.request" });

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("no handler for requests of type 'no.such.request'", problem.Detail());
        Assert.Contains("aos.goal.add", problem.Detail());
    }

    [Theory]
    [InlineData("/events")]
    [InlineData("/requests")]
    public async Task SendMessage_PayloadOverOneMiB_Returns413AndRecordsNothing(string suffix)
    {
        var id = await _server.RegisterAsync("echo");

        // A JSON string of one MiB of characters is one MiB plus its two quotes: just over the limit.
        using var response = await PostAsync($"/v1/agents/{id}{suffix}", new JsonObject { ["type"] = "big", ["payload"] = new string('a', OneMiB) });

        var problem = await response.AssertProblemAsync(413);
        Assert.Contains($"the limit is {OneMiB} bytes (Aos:Kernel:MaxPayloadBytes)", problem.Detail());
        Assert.Equal("payload", problem["field"]!.GetValue<string>());
        await AssertUntouchedAsync(id);
    }

    [Fact]
    public async Task SendEvent_PayloadOfExactlyOneMiB_IsAccepted()
    {
        var id = await _server.RegisterAsync("echo");

        using var response = await PostAsync($"/v1/agents/{id}/events", new JsonObject { ["type"] = "big", ["payload"] = new string('a', OneMiB - 2) });

        await response.AssertJsonAsync(202);
        Assert.Equal(1, (await _server.GetJsonAsync($"/v1/agents/{id}"))["eventsProcessed"]!.GetValue<long>());
    }

    [Fact]
    public async Task SendEvent_BodyOverTheServerLimit_Returns413AndRecordsNothing()
    {
        var id = await _server.RegisterAsync("echo");

        using var response = await _server.PostOversizedAsync($"/v1/agents/{id}/events", new JsonObject { ["type"] = "huge", ["payload"] = new string('a', 3 * OneMiB) });

        var problem = await response.AssertProblemAsync(413);
        Assert.Equal("The request body is larger than this server accepts (Aos:Kernel:MaxPayloadBytes).", problem.Detail());
        await AssertUntouchedAsync(id);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("7")]
    [InlineData("activ")]
    public async Task ListAgents_UnknownStatus_Returns400(string status)
    {
        using var response = await _server.Http.GetAsync($"/v1/agents?status={status}", Token);

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains($"Unknown status '{status}'; use active, sleeping or failed.", problem.Detail());
        Assert.Equal("status", problem["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=-1")]
    [InlineData("limit=many")]
    public async Task ListAgents_BadLimit_Returns400(string query)
    {
        using var response = await _server.Http.GetAsync($"/v1/agents?{query}", Token);

        await response.AssertProblemAsync(400);
    }

    private Task<HttpResponseMessage> PostAsync(string path, JsonNode body) => _server.Http.PostAsync(path, ServerHost.Json(body), Token);

    private async Task AssertNotRegisteredAsync(string id)
    {
        using var response = await _server.Http.GetAsync($"/v1/agents/{id}", Token);
        await response.AssertProblemAsync(404);
    }

    private async Task AssertNoAgentWithCapabilityAsync(string capability) =>
        Assert.Empty((await _server.GetJsonAsync($"/v1/agents?capability={capability}"))["items"]!.AsArray());

    private async Task AssertUntouchedAsync(string id)
    {
        var agent = await _server.GetJsonAsync($"/v1/agents/{id}");
        Assert.Equal(0, agent["eventsProcessed"]!.GetValue<long>());
        Assert.Equal(0, agent["wakeCount"]!.GetValue<long>());
        Assert.Equal("sleeping", agent["status"]!.GetValue<string>());
        Assert.Empty((await _server.GetJsonAsync($"/v1/agents/{id}/context"))["history"]!.AsArray());
    }
}
