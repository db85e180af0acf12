using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Aos.Server.Endpoints;

/// <summary>Maps <c>/healthz</c> (the process answers) and <c>/readyz</c> (the node serves agents).</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "healthy" }))
            .WithTags("Health").WithName("Health").WithSummary("Answers while the process is alive.");
        app.MapGet("/readyz", (IHostApplicationLifetime lifetime) =>
            lifetime.ApplicationStarted.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested
                ? Results.Ok(new { status = "ready" })
                : Results.Problem("AOS is starting or stopping.", statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithTags("Health").WithName("Ready").WithSummary("Answers 200 once the silo and the API serve, 503 before and while stopping.");
        return app;
    }
}
