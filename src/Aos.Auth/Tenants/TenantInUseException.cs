namespace Aos.Security.Tenants;

/// <summary>Thrown when a tenant cannot be deleted because principals still belong to it; nothing was changed.</summary>
public sealed class TenantInUseException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="TenantInUseException"/> class.</summary>
    public TenantInUseException() { }

    /// <summary>Initializes a new instance of the <see cref="TenantInUseException"/> class with a message.</summary>
    /// <param name="message">What still uses the tenant and how to remove it.</param>
    public TenantInUseException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="TenantInUseException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TenantInUseException(string message, Exception? innerException) : base(message, innerException) { }
}
