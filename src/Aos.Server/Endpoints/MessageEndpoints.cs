using System.Security.Claims;
using Aos.Conversations;
using Aos.Kernel.Messaging;
using Aos.Kernel.Registry;
using Aos.Messaging;
using Aos.Registry;
using Aos.Security;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>Maps the message bus resources under <c>/v1</c>: topics, durable sends, broadcasts, messages, dead letters, conversations.</summary>
internal static class MessageEndpoints
{
    private const int MaxWaitMs = 60_000;

    // A year: far past any delivery's need, and well inside what a date can hold, so that no time to live overflows one.
    private const long MaxTtlMs = 365L * 24 * 60 * 60 * 1000;

    public static IEndpointRouteBuilder MapMessageEndpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Messages");
        v1.MapPost("/topics/{topic}/messages", async (string topic, PostMessageRequest body, ClaimsPrincipal caller, AgentRegistry registry, MessageBus bus, CancellationToken cancellationToken) =>
        {
            TopicPattern.ValidateTopic(topic);
            var agent = await ActingAgents.AuthorizeAsync(caller, registry, g => g.AllowsPublish(topic), $"publish on topic '{topic}'", "a topic pattern that matches it to grants.topics", cancellationToken);
            var receipt = await bus.PublishAsync(await EnvelopeAsync(body, caller, bus, registry, agent, cancellationToken) with { Topic = topic }, cancellationToken);
            return Accepted(receipt);
        }).WithName("PublishMessage").WithSummary("Publishes a message on a topic; answers once it is durable for every subscriber.")
            .Produces<PostMessageResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequirePermission(Permissions.MessagesSend);

        v1.MapPost("/agents/{id}/messages", async (string id, PostMessageRequest body, ClaimsPrincipal caller, AgentRegistry registry, MessageBus bus, CancellationToken cancellationToken) =>
        {
            var target = AgentId.Parse(id);
            var agent = await ActingAgents.AuthorizeAsync(caller, registry, g => g.AllowsAgent(target), $"send to agent '{target}'", $"'{target}' (or a prefix of it ending in '*') to grants.agents", cancellationToken);
            var receipt = await bus.SendAsync(await EnvelopeAsync(body, caller, bus, registry, agent, cancellationToken) with { Target = target }, cancellationToken);
            return Accepted(receipt);
        }).WithName("SendMessage").WithSummary("Sends a message to an agent through the durable bus; answers once it is durable, before it is processed.")
            .Produces<PostMessageResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequirePermission(Permissions.MessagesSend);

        v1.MapPost("/broadcasts", async (PostMessageRequest body, ClaimsPrincipal caller, AgentRegistry registry, MessageBus bus, CancellationToken cancellationToken) =>
        {
            var prefix = body.Prefix ?? string.Empty;
            var agent = await ActingAgents.AuthorizeAsync(
                caller, registry, g => g.AllowsBroadcast(prefix), $"broadcast to the agents whose id starts with '{prefix}'", $"'{prefix}*' (or a shorter prefix ending in '*') to grants.agents", cancellationToken);
            var receipt = await bus.BroadcastAsync(await EnvelopeAsync(body, caller, bus, registry, agent, cancellationToken), prefix, cancellationToken);
            return Accepted(receipt);
        }).WithName("BroadcastMessage").WithSummary("Sends a message to every agent whose id starts with 'prefix' (all agents when absent), but its sender.")
            .Produces<PostMessageResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequirePermission(Permissions.MessagesSend);

        v1.MapGet("/messages/{id}", async (string id, int? waitMs, ClaimsPrincipal caller, MessageBus bus, CancellationToken cancellationToken) =>
        {
            if (waitMs is < 0 or > MaxWaitMs)
            {
                throw new AosValidationException($"waitMs must be between 0 and {MaxWaitMs}.") { Field = "waitMs" };
            }

            var records = waitMs is > 0
                ? await bus.WaitForSettledAsync(id, TimeSpan.FromMilliseconds(waitMs.Value), cancellationToken)
                : await bus.GetAsync(id, cancellationToken);
            records = InTenant(records, caller);
            return records.Count == 0 ? throw NotFound(id) : TypedResults.Ok(MessageView.From(records));
        }).WithName("GetMessage").WithSummary("Gets a message's status for each recipient; with waitMs, first waits up to that long until none is pending.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.MessagesRead);

        v1.MapGet("/dead-letters", async (string? after, int? limit, ClaimsPrincipal caller, MessageBus bus, CancellationToken cancellationToken) =>
        {
            var page = await bus.ListDeadLettersAsync(string.IsNullOrEmpty(after) ? null : after, limit ?? 100, Callers.TenantOf(caller), cancellationToken);
            return new DeadLetterListResponse([.. page.Items.Select(DeadLetterView.From)], page.Next);
        }).WithName("ListDeadLetters").WithSummary(
            "Lists the dead letters of the caller's tenant, oldest first, with the reason and last error. A page is full unless it is the last, or " +
            "10,000 dead letters of other tenants had to be passed over to fill it; follow 'next' while there is one.")
            .RequirePermission(Permissions.MessagesRead);

        v1.MapPost("/dead-letters/{id}/replay", async (string id, ClaimsPrincipal caller, MessageBus bus, CancellationToken cancellationToken) =>
        {
            if (InTenant(await bus.GetAsync(id, cancellationToken), caller).Count == 0)
            {
                throw NotFound(id);
            }

            var replayed = await bus.ReplayAsync(id, Callers.TenantOf(caller), cancellationToken);
            if (replayed == 0)
            {
                throw (await bus.GetAsync(id, cancellationToken)).Count == 0
                    ? NotFound(id)
                    : new AosValidationException($"Message '{id}' has no dead letters to replay; see its status with GET /v1/messages/{id}.") { Field = "id" };
            }

            return TypedResults.Ok(new ReplayResponse(id, replayed));
        }).WithName("ReplayDeadLetter").WithSummary("Puts a message's dead letters back in their inboxes with a fresh retry budget and expiry.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.MessagesReplay);

        v1.MapDelete("/dead-letters/{id}", async (string id, ClaimsPrincipal caller, MessageBus bus, CancellationToken cancellationToken) =>
        {
            if (InTenant(await bus.GetAsync(id, cancellationToken), caller).Count == 0)
            {
                throw NotFound(id);
            }

            var discarded = await bus.DiscardAsync(id, Callers.TenantOf(caller), cancellationToken);
            if (discarded == 0)
            {
                throw (await bus.GetAsync(id, cancellationToken)).Count == 0
                    ? NotFound(id)
                    : new AosValidationException($"Message '{id}' has no dead letters to discard; see its status with GET /v1/messages/{id}.") { Field = "id" };
            }

            return TypedResults.Ok(new DiscardResponse(id, discarded));
        }).WithName("DiscardDeadLetter").WithSummary(
            "Removes a message's dead letters for good, instead of replaying them; its pending and delivered records stay. Dead letters are " +
            "otherwise kept until replayed, or for Aos:Bus:DeadLetterRetention when that is set.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.MessagesReplay);

        v1.MapGet("/conversations/{id}", async (string id, int? limit, ClaimsPrincipal caller, IConversationStore conversations, CancellationToken cancellationToken) =>
            TypedResults.Ok((await conversations.GetAsync(Scoped(id, caller), Math.Clamp(limit ?? 100, 0, 1000), cancellationToken)
                ?? throw new ConversationNotFoundException($"No conversation '{id}' exists. A conversation starts with its first message or when its required roles are set.")) with { Id = id }))
            .WithName("GetConversation").WithSummary("Gets a conversation: status, participants, required roles, sign-offs and its newest messages in order.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.MessagesRead);

        v1.MapPut("/conversations/{id}/required-roles", async (string id, RequiredRolesRequest body, ClaimsPrincipal caller, IConversationStore conversations, CancellationToken cancellationToken) =>
            TypedResults.Ok(await conversations.RequireRolesAsync(Scoped(id, caller), body.Roles ?? [], cancellationToken) with { Id = id }))
            .WithName("SetConversationRoles").WithSummary("Sets the roles that must sign off a conversation before it completes.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.ConversationsManage);

        v1.MapPost("/conversations/{id}/sign-offs", async Task<Results<Ok<Conversation>, ProblemHttpResult>> (
            string id, SignOffRequest body, ClaimsPrincipal caller, IConversationStore conversations, CancellationToken cancellationToken) =>
        {
            // A sign-off attests that a holder of the role agreed: the signer is the caller, and the role one its credentials hold.
            var by = Callers.EnsureActor(caller, body.By, "by");
            if (!string.IsNullOrEmpty(body.Role) && !Callers.RolesOf(caller).Contains(body.Role, StringComparer.Ordinal))
            {
                return TypedResults.Problem(
                    $"The caller '{by}' does not hold the role '{body.Role}': a sign-off in a role takes credentials that hold it (assign it with PUT /v1/role-assignments/{{principal}}).",
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Role not held");
            }

            return TypedResults.Ok(await conversations.SignOffAsync(Scoped(id, caller), body.Role ?? string.Empty, by, cancellationToken) with { Id = id });
        }).WithName("SignOffConversation").WithSummary("Signs off a conversation, as the caller, in a required role the caller holds; it completes when every required role has signed.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.ConversationsSign);

        v1.MapPost("/agents/{id}/subscriptions", async (string id, SubscriptionRequest body, ClaimsPrincipal caller, AgentRegistry registry, IAgentDirectory directory, CancellationToken cancellationToken) =>
        {
            await registry.FindAsync(AgentId.Parse(id), Callers.TenantOf(caller), cancellationToken);
            var added = await directory.SubscribeAsync(AgentId.Parse(id), body.Pattern ?? string.Empty, cancellationToken);
            return added ? Results.Created($"/v1/agents/{id}", new SubscriptionRequest(body.Pattern)) : Results.Ok(new SubscriptionRequest(body.Pattern));
        }).WithName("Subscribe").WithSummary("Subscribes an agent to a topic pattern, durably: it gets every later matching message, asleep or not.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.AgentsWrite);

        v1.MapDelete("/agents/{id}/subscriptions", async (string id, string? pattern, ClaimsPrincipal caller, AgentRegistry registry, IAgentDirectory directory, CancellationToken cancellationToken) =>
        {
            await registry.FindAsync(AgentId.Parse(id), Callers.TenantOf(caller), cancellationToken);
            if (string.IsNullOrEmpty(pattern))
            {
                throw new AosValidationException("Name the subscription to remove with ?pattern=…") { Field = "pattern" };
            }

            return await directory.UnsubscribeAsync(AgentId.Parse(id), pattern, cancellationToken)
                ? Results.NoContent()
                : throw new AosValidationException($"Agent '{id}' has no subscription '{pattern}'.") { Field = "pattern" };
        }).WithName("Unsubscribe").WithSummary("Removes a topic subscription from an agent.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.AgentsWrite);
        return app;
    }

    private static IReadOnlyList<MessageRecord> InTenant(IReadOnlyList<MessageRecord> records, ClaimsPrincipal caller)
    {
        var tenant = Callers.TenantOf(caller);
        return records.All(r => r.Envelope.Tenant == tenant) ? records : [.. records.Where(r => r.Envelope.Tenant == tenant)];
    }

    private static string Scoped(string conversationId, ClaimsPrincipal caller) => AosTenants.Scope(Callers.TenantOf(caller), conversationId);

    /// <summary>
    /// Builds the envelope of a posted message: the caller's tenant, and the acting agent as the source when an agent's credential sent it.
    /// Any other caller may label the source, but never as an agent of its tenant: only the agent's own credential sends as the agent.
    /// </summary>
    private static async Task<Envelope> EnvelopeAsync(
        PostMessageRequest body, ClaimsPrincipal caller, MessageBus bus, AgentRegistry registry, string? agent, CancellationToken cancellationToken)
    {
        if (agent is null && !string.IsNullOrWhiteSpace(body.Source) && AgentId.TryParse(body.Source, out var named, out _))
        {
            try
            {
                await registry.FindAsync(named, Callers.TenantOf(caller), cancellationToken);
                throw new AosValidationException(
                    $"'source' names the agent '{named}', which the caller is not: only the agent's own credential sends as it (POST /v1/agents/{named}/credentials). Leave 'source' out, or give a label that is no agent's id.") { Field = "source" };
            }
            catch (AgentNotFoundException)
            {
                // A label, not an agent of the tenant.
            }
        }

        return Envelope(body, caller, bus, agent);
    }

    private static Envelope Envelope(PostMessageRequest body, ClaimsPrincipal caller, MessageBus bus, string? agent)
    {
        if (string.IsNullOrWhiteSpace(body.Type))
        {
            throw new AosValidationException("The message needs a 'type', for instance \"order.created\".") { Field = "type" };
        }

        if (body.TtlMs is <= 0 or > MaxTtlMs)
        {
            throw new AosValidationException($"ttlMs is {body.TtlMs}; it must be greater than zero and at most {MaxTtlMs} (365 days).") { Field = "ttlMs" };
        }

        var now = bus.TimeProvider.GetUtcNow();
        return new Envelope
        {
            Id = body.Id ?? string.Empty,
            Type = body.Type,
            Source = agent ?? (string.IsNullOrWhiteSpace(body.Source) ? "api" : body.Source),
            Payload = body.Payload,
            Priority = body.Priority ?? MessagePriority.Normal,
            CorrelationId = body.CorrelationId,
            ConversationId = body.ConversationId,
            ReplyTo = body.ReplyTo,
            Headers = body.Headers ?? new Dictionary<string, string>(),
            Timestamp = now,
            ExpiresAt = body.TtlMs is { } ttl ? now + TimeSpan.FromMilliseconds(ttl) : null,
            Tenant = Callers.TenantOf(caller),
        };
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Accepted<PostMessageResponse> Accepted(PublishReceipt receipt) =>
        TypedResults.Accepted(
            $"/v1/messages/{Uri.EscapeDataString(receipt.MessageId)}",
            new PostMessageResponse(receipt.MessageId, [.. receipt.Recipients.Select(r => r.Value)], [.. receipt.Duplicates.Select(r => r.Value)]));

    private static MessageNotFoundException NotFound(string id) =>
        new($"No message '{id}' is known: it was never accepted, or it was delivered longer ago than Aos:Bus:DeduplicationWindow.");
}
