import json
import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from teaching.drafting import draft_lesson

# Scraped files open with metadata such as "date 2025-11-13": the article's date, not its text.
SCRAPER_DATE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\s+")


class Command(BaseCommand):
    help = (
        "Draft a lesson from an article's text file and print it as a lesson-bundle/1 document, "
        "with device suggestions beside an empty key."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="The article body as UTF-8 text ('-' reads standard input).")
        parser.add_argument("--title", required=True, help="The article's headline.")
        parser.add_argument("--outlet", required=True, help="Who published it, e.g. TASS.")
        parser.add_argument(
            "--published",
            help="Publication date, YYYY-MM-DD (default: the file's leading 'date YYYY-MM-DD' line).",
        )
        parser.add_argument("--language", default="en", help="Language code, e.g. en or ru (default en).")

    def handle(self, *args, file, title, outlet, published, language, **options):
        try:
            body = (
                options.get("stdin", sys.stdin).read()
                if file == "-"
                else Path(file).read_text(encoding="utf-8")
            )
            metadata = SCRAPER_DATE.match(body)
            if metadata:
                body = body[metadata.end() :]
                published = published or metadata.group(1)
            if not published:
                raise ValueError(
                    "--published is required when the file does not start with 'date YYYY-MM-DD'"
                )
            bundle = draft_lesson(
                title=title, outlet=outlet, published=published, language=language, body=body
            )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(bundle, ensure_ascii=False, indent=2))
