"""The API's operations, one router per resource; each is a typed signature plus one call."""
