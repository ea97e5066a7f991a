"""The Jinja2 environment: shipped templates under a user folder, strict, Telegram-escaping.

A template in the user folder (``HASHBOT_TEMPLATES_DIR``) wins over a shipped one of the same name.
``*.html.j2`` templates autoescape with :func:`~bot.render._markup.escape`; undefined variables are
errors; ``None`` prints as nothing. Errors become :class:`RenderError` naming the template and line.
"""

from __future__ import annotations

from datetime import tzinfo
from importlib.util import find_spec
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.nodes import EvalContext
from markupsafe import Markup

from bot.errors import RenderError
from bot.models import ParseMode
from bot.render._filters import filters
from bot.render._markup import escape

HTML_SUFFIXES = (".html.j2", ".html")
TEMPLATE_SUFFIXES = (".html.j2", ".txt.j2")


def shipped_templates_dir() -> Path:
    """The templates installed with the package (the data package ``bot.templates``)."""
    spec = find_spec("bot.templates")
    if spec is None or not spec.submodule_search_locations:
        raise RenderError("the shipped templates are missing; reinstall hashbot")
    return Path(next(iter(spec.submodule_search_locations)))


class _Undefined(jinja2.StrictUndefined):
    """Undefined is an error; a misspelt field names the fields that do exist."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        fields = getattr(self._undefined_obj, "__dataclass_fields__", None)
        if fields is not None and self._undefined_name is not None:
            return f"{self._undefined_name!r} is not a field; use one of: {', '.join(fields)}"
        return str(super()._undefined_message)


@jinja2.pass_eval_context
def _finalize(eval_ctx: EvalContext, value: Any) -> Any:
    """Escape with Telegram's rules (not markupsafe's, which turns every apostrophe into &#39;)."""
    if value is None:
        return ""
    if eval_ctx.autoescape and not hasattr(value, "__html__"):
        return Markup(escape(str(value)))
    return value


class Templates:
    """A renderer's templates: loaded by name, and their failures as errors naming the line."""

    def __init__(self, templates_dir: Path | None, tz: tzinfo, locale: str | None = None) -> None:
        self._env = build_environment(templates_dir, tz, locale)

    def load(self, name: str) -> jinja2.Template:
        return load_template(self._env, name)

    def error(self, exc: BaseException, name: str) -> RenderError:
        return template_error(exc, self._env, name)

    @staticmethod
    def parse_mode(template: jinja2.Template) -> ParseMode:
        """HTML for the templates that autoescape, plain text for the others."""
        return ParseMode.HTML if (template.name or "").endswith(HTML_SUFFIXES) else ParseMode.TEXT


def build_environment(
    templates_dir: Path | None, tz: tzinfo, locale: str | None = None
) -> jinja2.Environment:
    """Shipped templates under the operator's folder (checked to exist by the Renderer)."""
    folders = [shipped_templates_dir()]
    if templates_dir is not None:
        folders.insert(0, templates_dir)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=lambda name: bool(name and name.endswith(HTML_SUFFIXES)),
        undefined=_Undefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(filters(tz, locale))
    return env


def load_template(env: jinja2.Environment, name: str) -> jinja2.Template:
    """The template called `name`, or `name` with a usual suffix (``x`` finds ``x.txt.j2``)."""
    candidates = [name] if name.endswith(".j2") else [name, *(name + suffix for suffix in TEMPLATE_SUFFIXES)]
    for candidate in candidates:
        try:
            return env.get_template(candidate)
        except jinja2.TemplateNotFound as exc:
            if exc.name != candidate:  # the template exists but includes a missing one
                raise template_error(exc, env, candidate) from exc
        except Exception as exc:
            raise template_error(exc, env, candidate) from exc
    raise RenderError(f"template {name!r} not found (looked in {_folders(env)})")


def template_error(exc: BaseException, env: jinja2.Environment, name: str) -> RenderError:
    """A :class:`RenderError` that says which template, which line, and what went wrong."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = _where(env, exc.filename, exc.name or name, exc.lineno)
        return RenderError(f"{where}: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        problem = f"includes {exc.name!r}, which is not found"
    else:
        problem = str(exc) or type(exc).__name__
    filename, lineno = _template_frame(exc.__traceback__)
    return RenderError(f"{_where(env, filename, name, lineno)}: {problem}")


def _template_frame(tb: TracebackType | None) -> tuple[str | None, int | None]:
    """The innermost template file and line in a traceback.

    Frames of compiled templates carry their template, which maps Python lines back to template
    lines; frames Jinja2 already rewrote for display carry the template line itself.
    """
    found: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        namespace = tb.tb_frame.f_globals
        template = namespace.get("__jinja_template__")
        if isinstance(template, jinja2.Template):
            found = (template.filename, template.get_corresponding_lineno(tb.tb_lineno))
        elif "__jinja_exception__" in namespace:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _where(env: jinja2.Environment, filename: str | None, name: str, lineno: int | None) -> str:
    folders = _search_path(env)
    where = f"template {name!r}"
    if filename:
        path = Path(filename)
        for folder in folders:
            if path.is_relative_to(folder):
                relative = path.relative_to(folder).as_posix()
                where = f"template {relative!r}"
                if folder != folders[-1]:
                    where += f" (from {folder})"
                break
    return f"{where}, line {lineno}" if lineno else where


def _search_path(env: jinja2.Environment) -> list[Path]:
    loader = env.loader
    assert isinstance(loader, jinja2.FileSystemLoader)
    return [Path(folder) for folder in loader.searchpath]


def _folders(env: jinja2.Environment) -> str:
    return " and ".join(str(folder) for folder in _search_path(env))
