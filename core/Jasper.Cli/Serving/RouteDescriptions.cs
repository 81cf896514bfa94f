using System.Text.Json.Nodes;
using Jasper.Serving.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Jasper.Cli.Serving;

/// <summary>What the OpenAPI document (<c>/openapi/v1.json</c>) says about each route of <see cref="EmbeddingServer"/>.</summary>
internal static class RouteDescriptions
{
    /// <summary>
    /// Names the route in the document, with its JSON body (when it takes one), its answers, and whether it needs the
    /// API key. Every answer is JSON; errors take OpenAI's shape (<c>{"error": {"message", "type", "param", "code"}}</c>).
    /// </summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder route, string summary, string description, IReadOnlyList<RequestField>? body = null, bool secured = true)
    {
        route.WithSummary(summary).WithDescription(secured ? description + " Needs the API key when the server has one (Authorization: Bearer KEY, or api-key: KEY)." : description)
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        if (body is not null)
        {
            // The body is named in the document by RequestBodies, not by Accepts: Accepts would also make routing refuse
            // bodies sent without a JSON content type, which the API reads all the same (curl -d sends a form type).
            route.WithMetadata(new JsonRequestBody(body)).Produces(StatusCodes.Status400BadRequest, contentType: "application/json")
                .Produces(StatusCodes.Status413PayloadTooLarge, contentType: "application/json")
                .Produces(StatusCodes.Status429TooManyRequests, contentType: "application/json");
        }

        if (secured)
        {
            route.Produces(StatusCodes.Status401Unauthorized, contentType: "application/json");
        }

        return route.Produces(StatusCodes.Status503ServiceUnavailable, contentType: "application/json");
    }

    /// <summary>Adds the JSON request body, with a schema of its fields, to the operations of routes described with one.</summary>
    public static Task RequestBodies(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonRequestBody>().FirstOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = Schema(body.Fields) } },
            };
        }

        return Task.CompletedTask;
    }

    // An object of exactly these fields: the parser refuses any other (unknown_parameter).
    private static OpenApiSchema Schema(IReadOnlyList<RequestField> fields) => new()
    {
        Type = JsonSchemaType.Object,
        Properties = fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)Schema(f)),
        Required = fields.Where(f => f.Required).Select(f => f.Name).ToHashSet(),
        AdditionalPropertiesAllowed = false,
    };

    private static OpenApiSchema Schema(RequestField field)
    {
        var schema = field.Type switch
        {
            RequestFieldType.StringOrStrings => new OpenApiSchema
            {
                OneOf = [new OpenApiSchema { Type = JsonSchemaType.String }, new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String }, MinItems = 1 }],
            },
            RequestFieldType.Integer => new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
            RequestFieldType.Number => new OpenApiSchema { Type = JsonSchemaType.Number },
            RequestFieldType.Boolean => new OpenApiSchema { Type = JsonSchemaType.Boolean },
            _ => new OpenApiSchema { Type = JsonSchemaType.String },
        };
        schema.Description = field.Description;
        if (field.Values is { } values)
        {
            schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
        }

        return schema;
    }

    // Marks a route that takes a JSON body of these fields.
    private sealed record JsonRequestBody(IReadOnlyList<RequestField> Fields);
}
