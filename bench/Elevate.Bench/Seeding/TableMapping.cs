using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Elevate.Bench.Seeding;

/// <summary>One column of a table as EF maps it: its name and how to read the stored value from an entity.</summary>
public sealed record ColumnMapping(string Name, Type ProviderType, Func<object, object?> Read);

/// <summary>
/// Table and column names and stored values taken from Elevate's own EF model for the provider, so bulk-loaded rows are
/// exactly what EF would write: snake_case names, enums as strings, DateTimeOffset as UTC ticks on SQLite.
/// </summary>
public sealed record TableMapping(string Table, IReadOnlyList<ColumnMapping> Columns)
{
    public static TableMapping For<T>(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        var columns = entity.GetProperties().Select(property =>
        {
            var converter = property.GetTypeMapping().Converter;
            var getter = property.GetGetter();
            var providerType = converter?.ProviderClrType ?? Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
            return new ColumnMapping(
                property.GetColumnName(store)!,
                Nullable.GetUnderlyingType(providerType) ?? providerType,
                row =>
                {
                    var value = getter.GetClrValue(row);
                    return value is null || converter is null ? value : converter.ConvertToProvider(value);
                });
        }).ToList();
        return new TableMapping(table, columns);
    }
}
