"""aiogram routers: thin handlers that parse an update, call a service, render a template and answer."""
