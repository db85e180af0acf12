using Aos.Security;
using Aos.Security.Tenants;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>Maps <c>/v1/tenants</c>: create, list, show and delete tenants; all need <see cref="Permissions.TenantsManage"/>.</summary>
/// <remarks>
/// <c>default</c> always exists and cannot be deleted. A tenant is deleted only once no active API key and no local user belongs to it
/// (409 otherwise, saying how many remain); its custom roles and role assignments go with it.
/// </remarks>
internal static class TenantEndpoints
{
    public static IEndpointRouteBuilder MapTenantEndpoints(this IEndpointRouteBuilder app)
    {
        var tenants = app.MapGroup("/v1/tenants").WithTags("Identity").RequirePermission(Permissions.TenantsManage);
        tenants.MapPost("/", async (CreateTenantRequest body, TenantService service, CancellationToken cancellationToken) =>
        {
            var tenant = await service.CreateAsync(new TenantRequest { Name = body.Name, DisplayName = body.DisplayName }, cancellationToken);
            return TypedResults.Created($"/v1/tenants/{tenant.Name}", tenant);
        }).WithName("CreateTenant").WithSummary("Creates a tenant, in which keys, users and roles can then be created.");

        tenants.MapGet("/", async (TenantService service, CancellationToken cancellationToken) =>
            TypedResults.Ok(new { items = await service.ListAsync(cancellationToken).ToListAsync(cancellationToken) }))
            .WithName("ListTenants").WithSummary("Lists the tenants, 'default' included.");

        tenants.MapGet("/{name}", async (string name, TenantService service, CancellationToken cancellationToken) =>
            await service.GetAsync(name, cancellationToken) is { } tenant ? Results.Ok(tenant) : NotFound(name))
            .WithName("GetTenant").WithSummary("Gets a tenant.");

        tenants.MapDelete("/{name}", async (string name, TenantService service, CancellationToken cancellationToken) =>
            await service.DeleteAsync(name, cancellationToken) ? Results.NoContent() : NotFound(name))
            .WithName("DeleteTenant").WithSummary("Deletes a tenant without active keys or users, with its custom roles and role assignments.");
        return app;
    }

    private static IResult NotFound(string name) =>
        Results.Problem($"There is no tenant '{name}'; list them with GET /v1/tenants.", statusCode: StatusCodes.Status404NotFound, title: "Tenant not found");
}
