using Aos.Security.Roles;
using Aos.Security.Tenants;
using Aos.Storage;

namespace Aos.Auth.Tests;

/// <summary>Wires the tenant registry, the role catalog and the role service over one store, as the server does.</summary>
internal sealed record Identity(RoleCatalog Catalog, TenantService Tenants, RoleService Roles)
{
    public static Identity Create(StorageCatalog store, TimeProvider time)
    {
        var catalog = new RoleCatalog(store);
        var tenants = new TenantService(store, time, catalog);
        return new Identity(catalog, tenants, new RoleService(store, time, tenants, catalog));
    }
}
