namespace Aos.Cli.Tests;

/// <summary><c>aos compliance</c>: frameworks from a real server, and the summary's query and rendering from canned answers.</summary>
public sealed class ComplianceCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private CapturingServer _capturing = null!;

    public async ValueTask InitializeAsync() => _capturing = await CapturingServer.StartAsync();

    public async ValueTask DisposeAsync() => await _capturing.DisposeAsync();

    [Fact]
    public async Task Frameworks_ListsTheBuiltIns()
    {
        var result = await Cli.RunAsync(fixture.Address, "compliance", "frameworks");

        result.AssertExitCode(ExitCodes.Success);
        Assert.Matches(@"(?m)^soc2\s+SOC 2 .+\s+yes\s+6\s*$", result.Output);
        Assert.Matches(@"(?m)^iso27001\s+ISO/IEC 27001:2022 Annex A\s+2022\s+yes\s+8\s*$", result.Output);
    }

    [Fact]
    public async Task Summary_SendsTheRange_AndShowsRatesAndControlsNotExercised()
    {
        _capturing.Answer = (200, "application/json", """
            {"tenant":"acme","from":"2026-11-01T00:00:00+00:00","to":"2026-12-01T00:00:00+00:00","entries":3,"evaluated":8,"passed":7,"failed":1,"rate":0.875,
             "frameworks":[{"id":"soc2","name":"SOC 2","evaluated":8,"passed":7,"failed":1,"rate":0.875,"controls":[
               {"id":"CC6.2","title":"t","evaluated":2,"passed":1,"failed":1,"rate":0.5,"failures":[]},
               {"id":"CC8.1","title":"t","evaluated":0,"passed":0,"failed":0,"failures":[]}]}]}
            """);

        var result = await Cli.RunAsync(_capturing.Address, "compliance", "summary", "--from", "2026-11-01T00:00:00Z", "--to", "2026-12-01T00:00:00Z", "--framework", "soc2", "--api-key", "k");

        result.AssertExitCode(ExitCodes.Success);
        var request = Assert.Single(_capturing.Requests);
        Assert.Equal(("GET", "/v1/compliance/summary?from=2026-11-01T00%3A00%3A00.0000000%2B00%3A00&to=2026-12-01T00%3A00%3A00.0000000%2B00%3A00&framework=soc2"), (request.Method, request.PathAndQuery));
        Assert.Contains("compliance rate: 87.5 % (7 of 8 control checks passed)", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^soc2\s+CC6.2\s+2\s+1\s+1\s+50 %\s*$", result.Output);
        Assert.Matches(@"(?m)^soc2\s+CC8.1\s+0\s+0\s+0\s+not exercised\s*$", result.Output);
    }
}
