"""The HTTP layer: FastAPI routes, WebSockets, authentication dependencies, error answers, headers and limits.

The only part of the backend that imports FastAPI or Starlette and knows status codes. It calls the services."""
