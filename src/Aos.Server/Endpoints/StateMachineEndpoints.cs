using System.Text.Json;
using Aos.Kernel.StateMachines;
using Aos.Security;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>Maps the state machine resources under <c>/v1/state-machines</c>.</summary>
internal static class StateMachineEndpoints
{
    private const string DefaultActor = "http";
    private const int DefaultPageSize = 100;

    public static IEndpointRouteBuilder MapStateMachineEndpoints(this IEndpointRouteBuilder app)
    {
        var machines = app.MapGroup("/v1/state-machines").WithTags("State machines");
        machines.MapPost("/", async (HttpRequest request, StateMachineClient client) =>
        {
            using var reader = new StreamReader(request.Body);
            var machine = await client.RegisterAsync(await reader.ReadToEndAsync(request.HttpContext.RequestAborted));
            return Results.Content(StateMachineJson.Write(machine.Definition), "application/json", statusCode: StatusCodes.Status201Created);
        }).WithName("RegisterStateMachine").WithSummary("Validates and registers a state machine definition given as JSON; an invalid one is refused naming the state or transition at fault.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.StateMachinesDefine);

        machines.MapGet("/", async (StateMachineClient client) =>
            Results.Content("[" + string.Join(",", (await client.Catalog.ListAsync()).Select(StateMachineJson.Write)) + "]", "application/json"))
            .WithName("ListStateMachines").WithSummary("Lists the state machines: the templates, the ones defined in code, and the registered ones.")
            .RequirePermission(Permissions.StateMachinesRead);

        machines.MapGet("/{name}", async (string name, StateMachineClient client) =>
            Results.Content(StateMachineJson.Write((await client.Catalog.GetAsync(name)).Definition), "application/json"))
            .WithName("GetStateMachine").WithSummary("Gets a state machine's definition.").ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.StateMachinesRead);

        machines.MapPost("/{name}/instances", async (string name, StartInstanceRequest? body, StateMachineClient client) =>
        {
            var instance = await client.StartAsync(name, body?.Id, body?.Context, body?.Actor ?? DefaultActor);
            return TypedResults.Created($"/v1/state-machines/{name}/instances/{instance.Id}", StateMachineInstanceView.From(instance));
        }).WithName("StartStateMachineInstance").WithSummary("Creates an instance in the machine's initial state.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.StateMachinesRun);

        machines.MapGet("/{name}/instances", async (string name, string? after, int? limit, StateMachineClient client) =>
        {
            var (items, next) = await client.ListAsync(name, after, limit ?? DefaultPageSize);
            return new StateMachineInstanceListResponse([.. items.Select(StateMachineInstanceView.From)], next);
        }).WithName("ListStateMachineInstances").WithSummary("Lists a machine's instances by id, a page at a time.").ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.StateMachinesRead);

        machines.MapGet("/{name}/instances/{id}", async (string name, string id, StateMachineClient client) =>
            StateMachineInstanceView.From(await client.GetAsync(name, id)))
            .WithName("GetStateMachineInstance").WithSummary("Gets an instance: state, context, history, snapshots, timeout.").ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.StateMachinesRead);

        machines.MapPost("/{name}/instances/{id}/events", async (string name, string id, FireEventRequest body, StateMachineClient client) =>
        {
            if (string.IsNullOrWhiteSpace(body.Event))
            {
                throw new AosValidationException("The body needs an 'event', for instance {\"event\": \"approve\"}.") { Field = "event" };
            }

            return StateMachineInstanceView.From(await client.FireAsync(name, id, body.Event, body.Data, body.Actor ?? DefaultActor));
        }).WithName("FireStateMachineEvent").WithSummary("Sends an event to an instance; a refused event (not allowed in the state, guards false, terminal state) is a 409 and changes nothing.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.StateMachinesRun);

        machines.MapPost("/{name}/instances/{id}/snapshots", async (string name, string id, StateMachineClient client) =>
        {
            var instance = await client.SnapshotAsync(name, id);
            return TypedResults.Created($"/v1/state-machines/{name}/instances/{id}", StateMachineInstanceView.From(instance));
        }).WithName("SnapshotStateMachineInstance").WithSummary("Takes a snapshot of an instance's state and context; the new snapshot is the last in 'snapshots'.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.StateMachinesRun);

        machines.MapPost("/{name}/instances/{id}/rollback", async (string name, string id, RollbackRequest body, StateMachineClient client) =>
        {
            if (string.IsNullOrWhiteSpace(body.Snapshot))
            {
                throw new AosValidationException("The body needs a 'snapshot' id, for instance {\"snapshot\": \"s1\"}.") { Field = "snapshot" };
            }

            return StateMachineInstanceView.From(await client.RollbackAsync(name, id, body.Snapshot, body.Actor ?? DefaultActor));
        }).WithName("RollbackStateMachineInstance").WithSummary("Puts an instance back in a snapshot's state and context.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.StateMachinesRun);

        return app;
    }
}
