using Aos.Reliability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Server.Tests;

/// <summary>The per-principal rate limit of the HTTP API (Aos:Reliability:RateLimits) on a real server.</summary>
public sealed class RateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PrincipalOverItsLimit_Gets429ProblemWithRetryAfter()
    {
        // The limiter's clock stands still: on the real one, a first request slower than a second (a loaded machine) refills a permit.
        await using var server = await ServerHost.StartAsync(
            ["--Aos:Reliability:RateLimits:Default:PermitsPerSecond=1", "--Aos:Reliability:RateLimits:Default:Burst=2"],
            aos => aos.Services.Replace(ServiceDescriptor.Singleton(sp => new PrincipalRateLimiter(sp.GetRequiredService<IOptions<ReliabilityOptions>>(), new FakeTimeProvider()))));

        await (await server.Http.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        await (await server.Http.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        using var refused = await server.Http.GetAsync("/v1/agents", Ct);

        var problem = await refused.AssertProblemAsync(429);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal(1, problem["retryAfterSeconds"]!.GetValue<int>());
        Assert.Contains("requests per second (bursts up to 2)", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // Health is not under /v1, so it is never limited.
        using var health = await server.Anonymous.GetAsync("/healthz", Ct);
        Assert.True(health.IsSuccessStatusCode);
    }
}
