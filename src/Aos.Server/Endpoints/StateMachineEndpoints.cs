using System.Security.Claims;
using Aos.Kernel.StateMachines;
using Aos.Security;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>Maps the state machine resources under <c>/v1/state-machines</c>.</summary>
/// <remarks>
/// Every route acts in the caller's tenant (templates and machines defined in code are shared; registered machines and instances
/// are the tenant's), and the actor recorded for a start, an event or a rollback is the authenticated caller, never a name the body gives.
/// </remarks>
internal static class StateMachineEndpoints
{
    private const int DefaultPageSize = 100;

    public static IEndpointRouteBuilder MapStateMachineEndpoints(this IEndpointRouteBuilder app)
    {
        var machines = app.MapGroup("/v1/state-machines").WithTags("State machines");
        machines.MapPost("/", async (HttpRequest request, ClaimsPrincipal caller, StateMachineClient client) =>
        {
            using var reader = new StreamReader(request.Body);
            var machine = await client.RegisterAsync(await reader.ReadToEndAsync(request.HttpContext.RequestAborted), Callers.TenantOf(caller));
            return Results.Content(StateMachineJson.Write(machine.Definition), "application/json", statusCode: StatusCodes.Status201Created);
        }).WithName("RegisterStateMachine").WithSummary("Validates and registers a state machine definition given as JSON, for the caller's tenant; an invalid one is refused naming the state or transition at fault.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.StateMachinesDefine);

        machines.MapGet("/", async (ClaimsPrincipal caller, StateMachineClient client) =>
            Results.Content("[" + string.Join(",", (await client.Catalog.ListAsync(Callers.TenantOf(caller))).Select(StateMachineJson.Write)) + "]", "application/json"))
            .WithName("ListStateMachines").WithSummary("Lists the state machines: the templates, the ones defined in code, and the ones the caller's tenant registered.")
            .RequirePermission(Permissions.StateMachinesRead);

        machines.MapGet("/{name}", async (string name, ClaimsPrincipal caller, StateMachineClient client) =>
            Results.Content(StateMachineJson.Write((await client.Catalog.GetAsync(name, Callers.TenantOf(caller))).Definition), "application/json"))
            .WithName("GetStateMachine").WithSummary("Gets a state machine's definition.").ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.StateMachinesRead);

        machines.MapPost("/{name}/instances", async (string name, StartInstanceRequest? body, ClaimsPrincipal caller, StateMachineClient client) =>
        {
            var instance = await client.StartAsync(name, body?.Id, body?.Context, Callers.EnsureActor(caller, body?.Actor, "actor"), Callers.TenantOf(caller));
            return TypedResults.Created($"/v1/state-machines/{name}/instances/{instance.Id}", StateMachineInstanceView.From(instance));
        }).WithName("StartStateMachineInstance").WithSummary("Creates an instance in the machine's initial state.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.StateMachinesRun);

        machines.MapGet("/{name}/instances", async (string name, string? after, int? limit, ClaimsPrincipal caller, StateMachineClient client) =>
        {
            var (items, next) = await client.ListAsync(name, after, limit ?? DefaultPageSize, Callers.TenantOf(caller));
            return new StateMachineInstanceListResponse([.. items.Select(StateMachineInstanceView.From)], next);
        }).WithName("ListStateMachineInstances").WithSummary("Lists the caller's tenant's instances of a machine by id, a page at a time.").ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.StateMachinesRead);

        machines.MapGet("/{name}/instances/{id}", async (string name, string id, ClaimsPrincipal caller, StateMachineClient client) =>
            StateMachineInstanceView.From(await client.GetAsync(name, id, Callers.TenantOf(caller))))
            .WithName("GetStateMachineInstance").WithSummary("Gets an instance: state, context, history, snapshots, timeout.").ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.StateMachinesRead);

        machines.MapPost("/{name}/instances/{id}/events", async (string name, string id, FireEventRequest body, ClaimsPrincipal caller, StateMachineClient client) =>
        {
            if (string.IsNullOrWhiteSpace(body.Event))
            {
                throw new AosValidationException("The body needs an 'event', for instance {\"event\": \"approve\"}.") { Field = "event" };
            }

            return StateMachineInstanceView.From(await client.FireAsync(name, id, body.Event, body.Data, Callers.EnsureActor(caller, body.Actor, "actor"), Callers.TenantOf(caller)));
        }).WithName("FireStateMachineEvent").WithSummary("Sends an event to an instance; a refused event (not allowed in the state, guards false, terminal state) is a 409 and changes nothing.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.StateMachinesRun);

        machines.MapPost("/{name}/instances/{id}/snapshots", async (string name, string id, ClaimsPrincipal caller, StateMachineClient client) =>
        {
            var instance = await client.SnapshotAsync(name, id, Callers.TenantOf(caller));
            return TypedResults.Created($"/v1/state-machines/{name}/instances/{id}", StateMachineInstanceView.From(instance));
        }).WithName("SnapshotStateMachineInstance").WithSummary("Takes a snapshot of an instance's state and context; the new snapshot is the last in 'snapshots'.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.StateMachinesRun);

        machines.MapPost("/{name}/instances/{id}/rollback", async (string name, string id, RollbackRequest body, ClaimsPrincipal caller, StateMachineClient client) =>
        {
            if (string.IsNullOrWhiteSpace(body.Snapshot))
            {
                throw new AosValidationException("The body needs a 'snapshot' id, for instance {\"snapshot\": \"s1\"}.") { Field = "snapshot" };
            }

            return StateMachineInstanceView.From(await client.RollbackAsync(name, id, body.Snapshot, Callers.EnsureActor(caller, body.Actor, "actor"), Callers.TenantOf(caller)));
        }).WithName("RollbackStateMachineInstance").WithSummary("Puts an instance back in a snapshot's state and context.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.StateMachinesRun);

        return app;
    }
}
