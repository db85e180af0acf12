using System.Security.Claims;
using Aos.Governance.Audit;
using Aos.Governance.Compliance;
using Aos.Security;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Server.Endpoints;

/// <summary>Maps <c>/v1/compliance</c>: frameworks and their controls, assertions of audited actions, and the tenant's compliance summary.</summary>
internal static class ComplianceEndpoints
{
    public const string NoAuditLog = "This node keeps no audit log, so there are no audited actions to summarise; enable the audit log and retry.";

    private const int MaxEntries = 1000;

    private static readonly TimeSpan DefaultRange = TimeSpan.FromDays(30);

    public static IEndpointRouteBuilder MapComplianceEndpoints(this IEndpointRouteBuilder app)
    {
        var compliance = app.MapGroup("/v1/compliance").WithTags("Compliance");
        compliance.MapGet("/frameworks", async (ComplianceService service, CancellationToken cancellationToken) =>
            new ComplianceFrameworkListResponse(await service.ListFrameworksAsync(cancellationToken)))
            .WithName("ListComplianceFrameworks").WithSummary("Lists the compliance frameworks: SOC 2 and ISO/IEC 27001:2022 built in, then the custom ones, with their controls and conditions.")
            .RequirePermission(Permissions.ComplianceRead);

        compliance.MapGet("/frameworks/{id}", async (string id, ComplianceService service, CancellationToken cancellationToken) =>
            await service.GetFrameworkAsync(id, cancellationToken) is { } framework ? Results.Ok(framework) : NotFound(id))
            .WithName("GetComplianceFramework").WithSummary("Gets a compliance framework with its controls, the actions each covers, and their pre- and post-conditions.")
            .Produces<ComplianceFramework>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.ComplianceRead);

        compliance.MapPut("/frameworks/{id}", async (string id, PutComplianceFrameworkRequest body, ComplianceService service, CancellationToken cancellationToken) =>
        {
            if (body.Id is not null && body.Id != id)
            {
                throw new AosValidationException($"The body's id '{body.Id}' is not the route's '{id}': leave it out or make them equal.") { Field = "id" };
            }

            var framework = new ComplianceFramework { Id = id, Name = body.Name ?? string.Empty, Version = body.Version ?? string.Empty, Controls = body.Controls ?? [] };
            var (stored, created) = await service.PutFrameworkAsync(framework, cancellationToken);
            return created ? Results.Created($"/v1/compliance/frameworks/{id}", stored) : Results.Ok(stored);
        }).WithName("PutComplianceFramework").WithSummary("Creates or replaces a custom compliance framework, installation-wide; it is checked whole first. Built-in frameworks cannot be replaced (409).")
            .Produces<ComplianceFramework>().Produces<ComplianceFramework>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.ComplianceManage);

        compliance.MapDelete("/frameworks/{id}", async (string id, ComplianceService service, CancellationToken cancellationToken) =>
            await service.DeleteFrameworkAsync(id, cancellationToken) ? Results.NoContent() : NotFound(id))
            .WithName("DeleteComplianceFramework").WithSummary("Deletes a custom compliance framework. Built-in frameworks cannot be deleted (409).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.ComplianceManage);

        compliance.MapPost("/assert", async (AssertComplianceRequest body, ClaimsPrincipal caller, ComplianceService service, CancellationToken cancellationToken) =>
        {
            var entries = ReadEntries(body, Callers.TenantOf(caller));
            var results = await service.AssertAsync(entries, body.Framework, cancellationToken);
            return new AssertComplianceResponse(results.All(r => r.Passed), results);
        }).WithName("AssertCompliance").WithSummary("Asserts audit entries of the caller's tenant (as the audit export writes them) against every control mapped to their actions: per control, passed or the failed condition and why.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.ComplianceRead);

        compliance.MapGet("/summary", async (DateTimeOffset? from, DateTimeOffset? to, string? framework, ClaimsPrincipal caller, HttpContext context, CancellationToken cancellationToken) =>
        {
            var service = context.RequestServices.GetRequiredService<ComplianceService>();
            if (!service.HasAuditLog)
            {
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Audit log unavailable", detail: NoAuditLog);
            }

            var end = to ?? (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
            var query = new ComplianceSummaryQuery { Tenant = Callers.TenantOf(caller), From = from ?? end - DefaultRange, To = end, Framework = framework };
            return Results.Ok(await service.SummarizeAsync(query, cancellationToken));
        }).WithName("GetComplianceSummary").WithSummary("Summarises the caller's tenant's compliance over a time range (default the last 30 days): per control, per framework and overall rate; controls no action exercised have no rate.")
            .Produces<ComplianceSummary>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequirePermission(Permissions.ComplianceRead);
        return app;
    }

    private static AuditEntry[] ReadEntries(AssertComplianceRequest body, string tenant)
    {
        if (body.Entries is not { Count: > 0 and <= MaxEntries })
        {
            throw new AosValidationException($"Give 1 to {MaxEntries} audit entries in 'entries', as the audit export writes them.") { Field = "entries" };
        }

        var entries = new AuditEntry[body.Entries.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = AuditEntryJson.Read(body.Entries[i], $"entries[{i}]");
            if (entries[i].Tenant != tenant)
            {
                throw new AosValidationException($"entries[{i}] belongs to the tenant '{entries[i].Tenant}', but the caller acts in '{tenant}': assert only the caller's tenant's entries.") { Field = $"entries[{i}].tenant" };
            }
        }

        return entries;
    }

    private static IResult NotFound(string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Framework not found", detail: $"There is no compliance framework '{id}'; list them with GET /v1/compliance/frameworks.");
}
