using System.Security.Claims;
using System.Text.Json;
using Aos.Agents;
using Aos.Kernel.Agents;
using Aos.Kernel.Registry;
using Aos.Registry;
using Aos.Security;
using Aos.Security.ApiKeys;
using Aos.Security.Roles;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Aos.Server.Endpoints;

/// <summary>Maps the agent resources under <c>/v1</c>.</summary>
internal static class AgentEndpoints
{
    private static JsonSerializerOptions? _strictOptions;

    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Agents");
        v1.MapGet("/agent-types", (AgentTypeCatalog catalog) =>
            catalog.All.Select(t => new AgentTypeView(t.Name, t.Version, t.Description)).ToList())
            .WithName("ListAgentTypes").WithSummary("Lists the agent types this node can run.")
            .RequirePermission(Permissions.AgentsRead);

        v1.MapPost("/agents", RegisterAsync)
            .WithName("RegisterAgents").WithSummary("Registers one agent (an object) or several, all or none (an array).")
            .Accepts<AgentRegistration>("application/json")
            .Produces<AgentView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.AgentsWrite);

        v1.MapGet("/agents", ListAsync)
            .WithName("ListAgents").WithSummary("Lists agents, filtered by type, capability and status, one page at a time.")
            .RequirePermission(Permissions.AgentsRead);

        v1.MapGet("/agents/{id}", async (string id, ClaimsPrincipal caller, AgentRegistry registry, CancellationToken cancellationToken) =>
            TypedResults.Ok(AgentView.From(await registry.GetAsync(AgentId.Parse(id), Callers.TenantOf(caller), cancellationToken))))
            .WithName("GetAgent").WithSummary("Gets an agent with its status and counters, without waking it.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.AgentsRead);

        v1.MapDelete("/agents/{id}", async (string id, ClaimsPrincipal caller, AgentRegistry registry, CancellationToken cancellationToken) =>
        {
            await registry.DeregisterAsync(AgentId.Parse(id), Callers.TenantOf(caller), cancellationToken);
            return TypedResults.NoContent();
        }).WithName("DeregisterAgent").WithSummary("Stops an agent and deletes it with all its state.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.AgentsWrite);

        v1.MapPost("/agents/{id}/events", SendEventAsync)
            .WithName("SendEvent").WithSummary("Sends an event; answers once the agent's new state is durable.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequirePermission(Permissions.MessagesSend);

        v1.MapPost("/agents/{id}/requests", SendRequestAsync)
            .WithName("SendRequest").WithSummary("Sends a request and waits for the reply.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status504GatewayTimeout)
            .RequirePermission(Permissions.MessagesSend);

        v1.MapGet("/agents/{id}/context", async (string id, int? limit, ClaimsPrincipal caller, AgentRegistry registry, CancellationToken cancellationToken) =>
            TypedResults.Ok(await registry.GetContextAsync(AgentId.Parse(id), Callers.TenantOf(caller), Math.Clamp(limit ?? 100, 1, 1000), cancellationToken)))
            .WithName("GetAgentContext").WithSummary("Reads an agent's context: values, counters, goals, history, memory and decisions.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.AgentsRead);

        v1.MapPost("/agents/{id}/credentials", async (string id, AgentCredentialRequest? body, ClaimsPrincipal caller, AgentRegistry registry, ApiKeyService keys, RoleService roleService, RoleCatalog catalog, CancellationToken cancellationToken) =>
        {
            var agent = (await registry.GetAsync(AgentId.Parse(id), Callers.TenantOf(caller), cancellationToken)).Descriptor;
            var roles = body?.Roles is { Length: > 0 } given ? given : [AosRoles.User];
            var permissions = await roleService.ValidateAssignableAsync(agent.Tenant, roles, cancellationToken);
            Callers.EnsureHoldsEverythingOf(caller, catalog, permissions, string.Join(", ", roles), "an agent's credential");
            var created = await keys.CreateAsync(
                new ApiKeyRequest { Name = $"agent {agent.Id}", Tenant = agent.Tenant, Roles = roles, ExpiresAt = body?.ExpiresAt, Agent = agent.Id.Value }, cancellationToken);
            return TypedResults.Created($"/v1/api-keys/{created.Key.Id}", new CreatedApiKeyView(ApiKeyView.From(created.Key), created.Secret));
        }).WithName("CreateAgentCredential")
            .WithSummary("Creates an API key that speaks for the agent: requests with it act as the agent, within its grants and its tenant. The secret is shown once; revoke it under /v1/api-keys.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.ApiKeysManage);

        v1.MapGet("/agents/{id}/grants", async (string id, ClaimsPrincipal caller, AgentRegistry registry, CancellationToken cancellationToken) =>
            TypedResults.Ok((await registry.GetAsync(AgentId.Parse(id), Callers.TenantOf(caller), cancellationToken)).Descriptor.Grants))
            .WithName("GetAgentGrants").WithSummary("Reads what an agent may touch beyond its own state: the agents it may message and the topics it may use.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.AgentsRead);

        v1.MapPut("/agents/{id}/grants", async (string id, AgentGrants body, ClaimsPrincipal caller, AgentRegistry registry, CancellationToken cancellationToken) =>
            TypedResults.Ok((await registry.SetGrantsAsync(AgentId.Parse(id), body, Callers.TenantOf(caller), cancellationToken)).Grants))
            .WithName("SetAgentGrants").WithSummary("Replaces an agent's grants; they apply from its next system call. Grants never reach another tenant.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.AgentsWrite);
        return app;
    }

    private static async Task<IResult> RegisterAsync(JsonElement body, ClaimsPrincipal caller, AgentRegistry registry, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        // A misspelled field (say "capabilites") is refused by name instead of being silently dropped.
        var options = _strictOptions ??= new JsonSerializerOptions(json.Value.SerializerOptions)
        {
            UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        };
        switch (body.ValueKind)
        {
            case JsonValueKind.Object:
                var descriptor = (await registry.RegisterAsync([Read<AgentRegistration>(body, options)], Callers.TenantOf(caller), cancellationToken))[0];
                return TypedResults.Created($"/v1/agents/{descriptor.Id}", AgentView.From(descriptor));
            case JsonValueKind.Array:
                var descriptors = await registry.RegisterAsync(Read<List<AgentRegistration>>(body, options), Callers.TenantOf(caller), cancellationToken);
                return TypedResults.Created("/v1/agents", descriptors.Select(d => AgentView.From(d)).ToList());
            default:
                throw new AosValidationException("The body must be an agent object {\"id\", \"type\", …} or an array of them.");
        }
    }

    private static async Task<AgentListResponse> ListAsync(string? type, string? capability, string? status, string? after, int? limit, ClaimsPrincipal caller, AgentRegistry registry, CancellationToken cancellationToken)
    {
        AgentStatus? parsedStatus = null;
        if (!string.IsNullOrEmpty(status))
        {
            parsedStatus = Enum.TryParse<AgentStatus>(status, ignoreCase: true, out var s) && Enum.IsDefined(s)
                ? s
                : throw new AosValidationException($"Unknown status '{status}'; use active, sleeping or failed.") { Field = "status" };
        }

        var page = await registry.ListAsync(
            new AgentQuery { Tenant = Callers.TenantOf(caller), Type = type, Capability = capability, Status = parsedStatus, After = after, Limit = limit ?? 100 },
            cancellationToken);
        return new AgentListResponse([.. page.Items.Select(AgentView.From)], page.Next);
    }

    private static async Task<IResult> SendEventAsync(string id, SendEventRequest body, ClaimsPrincipal caller, AgentRegistry registry, AgentClient client, CancellationToken cancellationToken)
    {
        var target = AgentId.Parse(id);
        var agent = await ActingAgents.AuthorizeAsync(caller, registry, g => g.AllowsAgent(target), $"send to agent '{target}'", $"'{target}' (or a prefix of it ending in '*') to grants.agents", cancellationToken);
        var message = client.CreateMessage(RequireType(body.Type), body.Payload, agent ?? "api", body.Id) with
        {
            Priority = body.Priority ?? Messaging.MessagePriority.Normal,
            CorrelationId = body.CorrelationId,
            Tenant = Callers.TenantOf(caller),
        };
        var result = await client.SendAsync(target, message, cancellationToken);
        return TypedResults.Accepted($"/v1/agents/{target}/context", new SendEventResponse(result.MessageId, result.Outcome, result.Error));
    }

    private static async Task<SendRequestResponse> SendRequestAsync(string id, SendRequestRequest body, ClaimsPrincipal caller, AgentRegistry registry, AgentClient client, CancellationToken cancellationToken)
    {
        var target = AgentId.Parse(id);
        var agent = await ActingAgents.AuthorizeAsync(
            caller, registry, g => g.AllowsAgent(target), $"send a request to agent '{target}'", $"'{target}' (or a prefix of it ending in '*') to grants.agents", cancellationToken);
        if (body.TimeoutMs is <= 0)
        {
            throw new AosValidationException("timeoutMs must be greater than zero.") { Field = "timeoutMs" };
        }

        var request = client.CreateMessage(RequireType(body.Type), body.Payload, agent ?? "api", body.Id) with { Tenant = Callers.TenantOf(caller) };
        var timeout = body.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
        var reply = await client.RequestAsync(target, request, timeout, cancellationToken);
        return new SendRequestResponse(request.Id, reply);
    }

    private static string RequireType(string? type) =>
        string.IsNullOrWhiteSpace(type)
            ? throw new AosValidationException("The message needs a 'type', for instance \"order.created\".") { Field = "type" }
            : type;

    private static T Read<T>(JsonElement body, JsonSerializerOptions options)
    {
        try
        {
            return body.Deserialize<T>(options) ?? throw new AosValidationException("The body is empty.");
        }
        catch (JsonException ex)
        {
            throw new AosValidationException($"The body is not a valid agent registration: {ex.Message}", ex);
        }
    }
}

/// <summary>Asks for a credential of an agent.</summary>
/// <param name="Roles">The roles the credential holds, besides the agent's grants; default <c>user</c>.</param>
/// <param name="ExpiresAt">When it stops working; never when absent.</param>
public sealed record AgentCredentialRequest(string[]? Roles, DateTimeOffset? ExpiresAt);
