using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Aos.AcceptanceTests;

public sealed class UpCommandTests
{
    [Fact]
    public async Task Up_Started_PrintsUrlsAndNextCommands()
    {
        using var data = new TempDirectory();
        await using var aos = await AosUpProcess.StartAsync(data.Path);
        var url = aos.Url.ToString().TrimEnd('/');

        var output = aos.StandardOutput;

        Assert.Contains("AOS is up.", output);
        Assert.Contains($"API:      {url}/v1", output);
        Assert.Contains($"OpenAPI:  {url}/openapi/v1.json", output);
        Assert.Contains($"Health:   {url}/readyz", output);
        Assert.Contains($"Data:     {data.Path}", output);
        Assert.Contains("aos agents types", output);
        Assert.Contains("aos agents register --id greeter --type echo", output);
        Assert.Contains("aos agents request greeter hello", output);
        Assert.Contains("aos agents list", output);
        Assert.Contains("Press Ctrl+C to stop.", output);
        Assert.True(File.Exists(Path.Combine(data.Path, "aos.db")), "The data directory holds no aos.db.");
    }

    [Fact]
    public async Task Up_Sigterm_ExitsZeroAndLeavesAgentsSleeping()
    {
        using var data = new TempDirectory();
        var first = await AosUpProcess.StartAsync(data.Path);
        await using (first)
        {
            await AosCli.JsonAsync(first.Url, "agents", "register", "--id", "graceful", "--type", "echo");
            await AosCli.JsonAsync(first.Url, "agents", "send", "graceful", "tick");
            Assert.Equal("active", (await AosCli.JsonAsync(first.Url, "agents", "show", "graceful"))["status"]!.GetValue<string>());

            var exitCode = await first.StopAsync();

            Assert.True(exitCode == 0, $"aos up exited with {exitCode} on SIGTERM.\n{first.Describe()}");
            Assert.Contains("AOS is up.", first.StandardOutput);
            Assert.Contains($"API:      {first.Url.ToString().TrimEnd('/')}/v1", first.StandardOutput);
            await Assert.ThrowsAsync<HttpRequestException>(() => first.Http.GetAsync("/healthz", TestContext.Current.CancellationToken));
        }

        // A graceful stop puts the agent to sleep itself; the restart has nothing to reconcile.
        await using var second = await AosUpProcess.StartAsync(data.Path);
        var agent = await AosCli.JsonAsync(second.Url, "agents", "show", "graceful");
        Assert.Equal("sleeping", agent["status"]!.GetValue<string>());
        Assert.Equal(1, agent["eventsProcessed"]!.GetValue<long>());
        Assert.DoesNotContain("whose silo is gone", second.StandardOutput);
        Assert.Equal(0, await second.StopAsync());
    }

    [Fact]
    public async Task Up_Status_ReportsReady()
    {
        using var data = new TempDirectory();
        await using var aos = await AosUpProcess.StartAsync(data.Path);

        var status = await AosCli.JsonAsync(aos.Url, "status");

        Assert.Equal("ready", status["status"]!.GetValue<string>());
        Assert.Equal(3, status["agentTypes"]!.GetValue<int>());
        Assert.Equal(0, status["agents"]!.GetValue<int>());
        using var ready = await aos.Http.GetAsync("/readyz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.NotNull(JsonNode.Parse(await aos.Http.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!["paths"]!["/v1/agents"]);
    }

    [Fact]
    public async Task Up_PortInUse_ExitsOneWithOneLineReason()
    {
        using var data = new TempDirectory();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var result = await AosCli.RunAsync("up", "--data", data.Path, "--urls", url);

        result.AssertExitCode(1);
        Assert.Equal($"aos: cannot start AOS: Failed to bind to address {url}: address already in use.", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Up_MalformedUrls_ExitsOneWithOneLineReason()
    {
        using var data = new TempDirectory();

        var result = await AosCli.RunAsync("up", "--data", data.Path, "--urls", "not-a-url");

        result.AssertExitCode(1);
        Assert.Equal("aos: cannot start AOS: Invalid url: 'not-a-url'", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Up_InvalidSettingInDataDirectory_ExitsOneNamingTheSetting()
    {
        using var data = new TempDirectory();
        await File.WriteAllTextAsync(data.Combine("aos.json"), """{"Aos":{"Kernel":{"MaxAttempts":0}}}""", TestContext.Current.CancellationToken);

        var result = await AosCli.RunAsync("up", "--data", data.Path, "--urls", $"http://127.0.0.1:{DotNet.FreePort()}");

        result.AssertExitCode(1);
        Assert.Equal("aos: cannot start AOS: Aos:Kernel:MaxAttempts must be at least 1; it is 0.", Assert.Single(result.ErrorLines));
    }
}
