using System.Security.Claims;
using System.Text.Json;
using Aos.Kernel.Workflows;
using Aos.Messaging;
using Aos.Security;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Aos.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>Maps the workflow resources: definitions under <c>/v1/workflows</c>, runs under <c>/v1/workflow-runs</c>.</summary>
/// <remarks>Every route acts in the caller's tenant: it registers, finds and lists the tenant's workflows, and another tenant's run is a 404.</remarks>
internal static class WorkflowEndpoints
{
    private const int DefaultPageSize = 100;

    // Below the grain call timeout (30 s), so a wait always ends with the run as it stands, never with a timeout.
    private const int MaxWaitMs = 25_000;

    // Runs show the definition's version as the start of its content hash; definitions show the same.
    private const int ShortVersionLength = 12;

    private static readonly string[] Statuses =
    [
        WorkflowStatus.Queued, WorkflowStatus.Running, WorkflowStatus.Suspended, WorkflowStatus.Completed,
        WorkflowStatus.Failed, WorkflowStatus.Compensating, WorkflowStatus.Cancelled,
    ];

    public static IEndpointRouteBuilder MapWorkflowEndpoints(this IEndpointRouteBuilder app)
    {
        var workflows = app.MapGroup("/v1/workflows").WithTags("Workflows");
        workflows.MapPost("/", async Task<Results<Created<WorkflowRegistrationView>, Ok<WorkflowRegistrationView>>> (HttpRequest request, ClaimsPrincipal caller, WorkflowClient client, WorkflowCatalog catalog) =>
        {
            using var reader = new StreamReader(request.Body);
            var definition = WorkflowJson.Parse(await reader.ReadToEndAsync(request.HttpContext.RequestAborted), catalog.ExtensionKinds);
            var (version, created) = await client.RegisterAsync(definition, Callers.TenantOf(caller));
            var view = new WorkflowRegistrationView(definition.Name, ShortVersion(version), definition.Steps.Count);
            return created ? TypedResults.Created($"/v1/workflows/{Uri.EscapeDataString(definition.Name)}", view) : TypedResults.Ok(view);
        }).WithName("RegisterWorkflow").WithSummary("Validates and registers a workflow definition given as JSON: 201 for a new version, 200 for the same definition again; an invalid one is refused naming the step, edge or cycle at fault.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.WorkflowsDefine);

        workflows.MapGet("/", async (ClaimsPrincipal caller, WorkflowClient client) => await client.ListDefinitionsAsync(Callers.TenantOf(caller)))
            .WithName("ListWorkflows").WithSummary("Lists the registered workflows' names.")
            .RequirePermission(Permissions.WorkflowsRead);

        workflows.MapGet("/{name}", async (string name, ClaimsPrincipal caller, WorkflowClient client) =>
        {
            var (version, definition) = await client.GetDefinitionAsync(name, Callers.TenantOf(caller));
            return new WorkflowDefinitionView(definition.Name, ShortVersion(version), JsonElement.Parse(WorkflowJson.Serialize(definition)));
        }).WithName("GetWorkflow").WithSummary("Gets the newest version of a workflow's definition.").ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.WorkflowsRead);

        var runs = app.MapGroup("/v1/workflow-runs").WithTags("Workflows");
        runs.MapPost("/", async (StartWorkflowRunRequest body, ClaimsPrincipal caller, WorkflowClient client) =>
        {
            if (string.IsNullOrWhiteSpace(body.Workflow))
            {
                throw new AosValidationException("The body needs a 'workflow' to run, for instance {\"workflow\": \"checkout\", \"input\": {\"order\": 42}}.") { Field = "workflow" };
            }

            var priority = Priority(body.Priority);
            var wait = Wait(body.WaitMs);
            var tenant = Callers.TenantOf(caller);
            var run = await client.StartAsync(body.Workflow, body.Input?.GetRawText(), body.Id, priority, tenant);
            run = await WaitAsync(client, run, wait, tenant);
            return TypedResults.Created($"/v1/workflow-runs/{Uri.EscapeDataString(run.Id)}", WorkflowRunView.From(run));
        }).WithName("StartWorkflowRun").WithSummary("Starts a run of a workflow; with waitMs, answers once it finished or the wait passed. Starting the same id again answers the run as it stands.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.WorkflowsRun);

        runs.MapGet("/", async (string? workflow, string? status, int? limit, ClaimsPrincipal caller, WorkflowClient client) =>
        {
            if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
            {
                throw new AosValidationException($"The status '{status}' is not a run status; use one of {string.Join(", ", Statuses)}.") { Field = "status" };
            }

            var found = await client.ListAsync(string.IsNullOrEmpty(workflow) ? null : workflow, status, limit ?? DefaultPageSize, Callers.TenantOf(caller));
            return new WorkflowRunListResponse([.. found.Select(WorkflowRunView.From)]);
        }).WithName("ListWorkflowRuns").WithSummary("Lists the newest runs, newest first, optionally of one workflow or in one status.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.WorkflowsRead);

        runs.MapGet("/{id}", async (string id, int? waitMs, ClaimsPrincipal caller, WorkflowClient client) =>
        {
            var wait = Wait(waitMs);
            var tenant = Callers.TenantOf(caller);
            return WorkflowRunView.From(await WaitAsync(client, await client.GetAsync(id, tenant), wait, tenant));
        }).WithName("GetWorkflowRun").WithSummary("Gets a run with each step's status, attempts and result; with waitMs, answers once it finished or the wait passed.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.WorkflowsRead);

        runs.MapPost("/{id}/cancel", async (string id, ClaimsPrincipal caller, WorkflowClient client) => WorkflowRunView.From(await client.CancelAsync(id, Callers.TenantOf(caller))))
            .WithName("CancelWorkflowRun").WithSummary("Cancels a run that has not finished: no further step starts; a finished run is a 409 and changes nothing.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.WorkflowsRun);

        runs.MapPost("/{id}/signals/{name}", async (string id, string name, HttpRequest request, ClaimsPrincipal caller, WorkflowClient client) =>
        {
            using var reader = new StreamReader(request.Body);
            var payload = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            return WorkflowRunView.From(await client.SignalAsync(id, name, string.IsNullOrWhiteSpace(payload) ? null : payload, Callers.TenantOf(caller)));
        }).WithName("SignalWorkflowRun").WithSummary("Sends a named signal, the body (any JSON value, or none) as its payload: the step waiting for it completes, or the next one to wait for it takes it. A finished run is a 409.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.WorkflowsRun);

        return app;
    }

    private static async Task<WorkflowRun> WaitAsync(WorkflowClient client, WorkflowRun run, TimeSpan wait, string tenant) =>
        wait > TimeSpan.Zero && !run.IsFinished ? await client.WaitAsync(run.Id, wait, tenant) : run;

    private static TimeSpan Wait(int? waitMs) => waitMs switch
    {
        null => TimeSpan.Zero,
        < 0 or > MaxWaitMs => throw new AosValidationException($"waitMs is {waitMs}; it must be between 0 and {MaxWaitMs}. To wait longer, ask again (GET /v1/workflow-runs/{{id}}?waitMs=…).") { Field = "waitMs" },
        { } ms => TimeSpan.FromMilliseconds(ms),
    };

    private static MessagePriority Priority(string? priority)
    {
        if (priority is null)
        {
            return MessagePriority.Normal;
        }

        foreach (var value in Enum.GetValues<MessagePriority>())
        {
            if (string.Equals(value.ToString(), priority, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new AosValidationException($"The priority '{priority}' is not one of low, normal, high, critical.") { Field = "priority" };
    }

    private static string ShortVersion(string version) =>
        version.StartsWith(WorkflowPayloads.RefPrefix, StringComparison.Ordinal) && version.Length >= WorkflowPayloads.RefPrefix.Length + ShortVersionLength
            ? version.Substring(WorkflowPayloads.RefPrefix.Length, ShortVersionLength)
            : version;
}
