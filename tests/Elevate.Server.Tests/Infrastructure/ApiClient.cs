using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Elevate.Server.Tests.Infrastructure;

/// <summary>An HTTP response with its JSON body (or an empty object when there is none).</summary>
public sealed record ApiResponse(int Status, JsonElement Body, HttpResponseMessage Message)
{
    public string? Code => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("code", out var code) ? code.GetString() : null;

    public string? Field => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("field", out var value) ? value.GetString() : null;

    public string? Header(string name) =>
        Message.Headers.TryGetValues(name, out var values) || Message.Content.Headers.TryGetValues(name, out values) ? values.First() : null;

    public JsonElement this[string property] => Body.GetProperty(property);

    public Guid Id => Body.GetProperty("id").GetGuid();

    /// <summary>Asserts the status, showing the body when it differs.</summary>
    public ApiResponse ShouldBe(int status)
    {
        Assert.True(Status == status, $"Expected HTTP {status}, got {Status}: {Body}");
        return this;
    }

    /// <summary>Asserts a problem response with this status and code.</summary>
    public ApiResponse ShouldFail(int status, string code)
    {
        ShouldBe(status);
        Assert.True(Code == code, $"Expected problem code '{code}', got '{Code}': {Body}");
        Assert.Equal("application/problem+json", Message.Content.Headers.ContentType?.MediaType);
        return this;
    }
}

/// <summary>A caller of the Elevate API, with or without a bearer token.</summary>
public sealed class ApiClient(HttpClient http, string? token)
{
    public HttpClient Http { get; } = http;

    public string? Token { get; } = token;

    public Task<ApiResponse> GetAsync(string path, IDictionary<string, string>? headers = null) => SendAsync(HttpMethod.Get, path, null, headers);

    public Task<ApiResponse> PostAsync(string path, object? body = null, IDictionary<string, string>? headers = null) => SendAsync(HttpMethod.Post, path, body, headers);

    public Task<ApiResponse> PutAsync(string path, object? body = null, IDictionary<string, string>? headers = null) => SendAsync(HttpMethod.Put, path, body, headers);

    public Task<ApiResponse> PatchAsync(string path, object? body = null, IDictionary<string, string>? headers = null) => SendAsync(HttpMethod.Patch, path, body, headers);

    public Task<ApiResponse> DeleteAsync(string path, IDictionary<string, string>? headers = null) => SendAsync(HttpMethod.Delete, path, null, headers);

    /// <summary>Sends a raw body (for malformed JSON and wrong media types).</summary>
    public Task<ApiResponse> SendRawAsync(HttpMethod method, string path, string body, string contentType = "application/json") =>
        SendAsync(method, path, new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(contentType)), null);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body, IDictionary<string, string>? headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Content = body switch
        {
            null => null,
            HttpContent content => content,
            _ => JsonContent.Create(body, options: JsonOptions),
        };
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) ?? false)
            ? JsonDocument.Parse(text).RootElement.Clone()
            : JsonDocument.Parse("{}").RootElement.Clone();
        return new ApiResponse((int)response.StatusCode, json, response);
    }

    /// <summary>camelCase, nulls left out: test bodies list only what they mean to send.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
