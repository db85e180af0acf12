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
            .WithTags("Health").WithName("Health").WithSummary("Answers while the process is alive.").AllowAnonymous();
        app.MapGet("/readyz", async (IHostApplicationLifetime lifetime, StorageReadiness storage) =>
        {
            if (!lifetime.ApplicationStarted.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return Results.Problem("AOS is starting or stopping.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            return await storage.CheckAsync() is { } problem
                ? Results.Problem(problem, title: "Storage is unreachable", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Ok(new { status = "ready" });
        })
            .AllowAnonymous()
            .WithTags("Health").WithName("Ready")
            .WithSummary("Answers 200 once the silo and the API serve and every storage backend answers; 503 before, while stopping, and while storage is unreachable.");
        return app;
    }
}
