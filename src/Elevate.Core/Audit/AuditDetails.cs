using System.Text.Json;
using Elevate.Core.Common.Json;

namespace Elevate.Core.Audit;

/// <summary>Writes the details object of an audit event in Elevate's JSON dialect.</summary>
public static class AuditDetails
{
    public static string Of<T>(T value) => JsonSerializer.Serialize(value, ElevateJson.Options);
}
