using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Aos.Governance.Policies;
using Aos.Security;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

internal static partial class GovernanceEndpoints
{
    private const string Origin = "store";

    private static void MapPolicies(IEndpointRouteBuilder app)
    {
        var policies = app.MapGroup("/v1/policies").WithTags("Policies");
        policies.MapGet("/", async (PolicyStore store, PolicyEngine engine, PolicyReloader reloader, CancellationToken cancellationToken) =>
        {
            var installed = engine.Policies;
            var items = new List<PolicyView>();
            await foreach (var policy in store.ListAsync(cancellationToken))
            {
                items.Add(View(policy, installed, withText: false));
            }

            items.AddRange(installed.Where(p => !items.Any(i => i.Name == p.Name)).Select(p => new PolicyView(p.Name, "directory", true, Source: p.Source)));
            return new PolicyListResponse(items, reloader.LastError);
        }).WithName("ListPolicies").WithSummary("Lists the stored policies and those of the policy directory, with whether each is installed now and why the last reload was refused, if it was.")
            .RequirePermission(Permissions.PoliciesRead);

        policies.MapGet("/{name}", async (string name, PolicyStore store, PolicyEngine engine, CancellationToken cancellationToken) =>
            await store.GetAsync(name, cancellationToken) is { } policy
                ? Results.Ok(View(policy, engine.Policies, withText: true))
                : NotFound("Policy not found", $"There is no stored policy '{name}'."))
            .WithName("GetPolicy").WithSummary("Gets a stored policy: its source text, format, version, and who changed it when.")
            .Produces<PolicyView>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.PoliciesRead);

        policies.MapPut("/{name}", async (string name, PolicySourceRequest body, ClaimsPrincipal caller, PolicyReloader reloader, PolicyEngine engine, CancellationToken cancellationToken) =>
        {
            var (format, text) = Source(body);
            var stored = await reloader.PutAsync(name, format, text, Callers.IdOf(caller), body.IfMatch, cancellationToken);
            return View(stored, engine.Policies, withText: true);
        }).WithName("PutPolicy").WithSummary("Validates a policy (JSON or YAML) with the set it joins, stores it and installs it on this node at once (other nodes within their refresh interval); an invalid policy is refused with its line and column, and nothing changes.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.PoliciesWrite);

        policies.MapDelete("/{name}", async (string name, PolicyReloader reloader, CancellationToken cancellationToken) =>
            await reloader.DeleteAsync(name, cancellationToken) ? Results.NoContent() : NotFound("Policy not found", $"There is no stored policy '{name}'."))
            .WithName("DeletePolicy").WithSummary("Deletes a stored policy and uninstalls it on this node at once (other nodes within their refresh interval).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.PoliciesWrite);

        policies.MapPost("/validate", (PolicySourceRequest body) =>
        {
            var (format, text) = Source(body);
            try
            {
                var policy = PolicyLoader.Parse(text, format, "policy");
                return new PolicyValidationResponse(true, policy.Name, policy.Rules.Count, []);
            }
            catch (AosValidationException e)
            {
                return new PolicyValidationResponse(false, null, null, [Problem(e.Message)]);
            }
        }).WithName("ValidatePolicy").WithSummary("Validates a policy's text without storing it: ok, or what is wrong with its line and column.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.PoliciesRead);

        policies.MapPost("/dry-run", (PolicyDryRunRequest body, PolicyEngine engine) =>
        {
            var (format, text) = Source(body.Policy ?? throw new AosValidationException("Give the candidate policy as 'policy': { \"format\": \"yaml\", \"text\": \"…\" }.") { Field = "policy" });
            var candidate = PolicyLoader.Parse(text, format, "candidate policy");
            var calls = (body.Calls ?? throw new AosValidationException("Give the calls to decide as 'calls': a list of { actor, action, … }.") { Field = "calls" })
                .Select((c, i) => Call(c, $"calls[{i}]")).ToList();
            return new PolicyDryRunResponse(candidate.Name, engine.DryRun(candidate, calls));
        }).WithName("DryRunPolicy").WithSummary("Decides calls as if a candidate policy were installed (replacing the installed one of its name), without installing it.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.PoliciesRead);

        policies.MapPost("/explain", (PolicyCallRequest body, PolicyEngine engine) => engine.Evaluate(Call(body, "call")))
            .WithName("ExplainPolicy").WithSummary("Decides a call against the installed policies: the effect, the deciding rule, the explanation and every matching rule.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.PoliciesRead);
    }

    private static PolicyView View(StoredPolicy policy, IReadOnlyList<PolicyDocument> installed, bool withText) => new(
        policy.Name, Origin, installed.Any(p => p.Name == policy.Name), policy.Format, withText ? policy.Text : null, policy.ETag, policy.UpdatedAt, policy.UpdatedBy);

    private static (string Format, string Text) Source(PolicySourceRequest body) => (
        string.IsNullOrWhiteSpace(body.Format) ? throw new AosValidationException("Give the policy's 'format': json or yaml.") { Field = "format" } : body.Format,
        string.IsNullOrWhiteSpace(body.Text) ? throw new AosValidationException("Give the policy's source text as 'text'.") { Field = "text" } : body.Text);

    private static PolicyRequest Call(PolicyCallRequest? call, string field) => call is null
        ? throw new AosValidationException($"'{field}' is empty: give a call as {{ actor, action, resource, tenant, payload, risk }}.") { Field = field }
        : new PolicyRequest
        {
            Actor = string.IsNullOrWhiteSpace(call.Actor) ? throw new AosValidationException($"'{field}.actor' is required: who makes the call.") { Field = field + ".actor" } : call.Actor,
            Action = string.IsNullOrWhiteSpace(call.Action) ? throw new AosValidationException($"'{field}.action' is required: what the call does, such as agent.send.") { Field = field + ".action" } : call.Action,
            Agent = call.Agent,
            Resource = call.Resource,
            Tenant = call.Tenant,
            Payload = call.Payload,
            Risk = call.Risk ?? PolicyRiskLevel.Low,
            Time = call.Time,
        };

    private static PolicyProblem Problem(string message)
    {
        var position = PositionPattern().Match(message);
        return position.Success
            ? new PolicyProblem(message, long.Parse(position.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(position.Groups[2].Value, CultureInfo.InvariantCulture))
            : new PolicyProblem(message, null, null);
    }

    [GeneratedRegex(@"line (\d+), column (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex PositionPattern();
}
