namespace Aos.Governance.Audit;

/// <summary>Numbers the entry fields the block index covers, as stored in <c>audit_postings.field</c>.</summary>
internal static class AuditIndexedField
{
    public const int Tenant = 0;
    public const int Actor = 1;
    public const int Action = 2;
    public const int Resource = 3;
    public const int Level = 4;
    public const int Count = 5;
}
