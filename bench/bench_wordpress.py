"""The WordPress import at a newsroom's size: time and peak memory, first run and re-run.

Generates an export as WordPress's exporter writes it (WXR 1.2, CDATA sections) with 10,000
posts by default, half classic-editor and half block-editor HTML, with photos (attachments and
their generated pictures in an uploads folder), categories with parents, tags, several authors
and Co-Authors Plus bylines, [caption], [gallery], [artist] and [embed] shortcodes, players
alone on a line and links between posts. The content is plainly synthetic ("Bulk post 0042").
Then, on a fresh SQLite site with the seed story (as production runs it: DEBUG off, the file
cache), it runs `manage.py import_wordpress` in a process of its own, and again on the same
file, and reads each process's time and peak resident memory.

    python bench/bench_wordpress.py [--posts 10000] [--photos 500] [--keep]

Targets: the first run within 60 s and 300 MB, the re-run within 20 s. Exits non-zero when one
is missed.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"first": (60.0, 300.0), "again": (20.0, None)}
YOUTUBE = ["ila-hAUXR5U", "dQw4w9WgXcQ"]
WORDS = (
    "the band album tour video film studio single record label producer director stage crowd "
    "release song night city festival interview chorus verse sound guitar drums bass"
).split()


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, n: int, posts: int, photos: int, blocks: bool) -> str:
    paragraphs = []
    for i in range(8):
        text = " ".join(sentence(rng) for _ in range(4))
        if i == 1:
            text = text.replace("the", "<em>the</em>", 1).replace(
                "band", "<strong>band</strong>", 1
            )
        if i == 2:
            other = rng.randrange(posts)
            text += f' <a href="http://bulk.example/?p={other + 1}">Bulk post {other:05d}</a>.'
        if i == 3:
            text += ' [artist id="1230523"]Kanye West[/artist].'
        paragraphs.append(text)
    photo = 100000 + rng.randrange(photos)
    if blocks:
        out = [f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" for p in paragraphs]
        out.insert(
            2,
            f'<!-- wp:image {{"id":{photo}}} -->\n<figure class="wp-block-image"><img src="'
            f'http://bulk.example/wp-content/uploads/2020/01/photo-{photo}-1024x768.jpg" '
            f'class="wp-image-{photo}"/><figcaption>Bulk photo {photo}</figcaption></figure>\n'
            "<!-- /wp:image -->",
        )
        out.insert(5, "<!-- wp:heading -->\n<h2>Bulk heading</h2>\n<!-- /wp:heading -->")
        if n % 5 == 0:
            url = f"https://www.youtube.com/watch?v={YOUTUBE[n % 2]}"
            out.append(
                f'<!-- wp:embed {{"url":"{url}"}} -->\n<figure class="wp-block-embed"><div>\n'
                f"{url}\n</div></figure>\n<!-- /wp:embed -->"
            )
        return "\n\n".join(out)
    out = list(paragraphs)
    out.insert(
        2,
        f'[caption id="attachment_{photo}" width="300"]<img class="wp-image-{photo}" src="'
        f'http://bulk.example/wp-content/uploads/2020/01/photo-{photo}-300x225.jpg" /> '
        f"Bulk photo {photo}[/caption]",
    )
    out.insert(5, "<h3>Bulk heading</h3>\n<ul>\n<li>One</li>\n<li>Two</li>\n</ul>")
    if n % 5 == 0:
        out.append(f"https://youtu.be/{YOUTUBE[n % 2]}")
    if n % 7 == 0:
        ids = ",".join(str(100000 + rng.randrange(photos)) for _ in range(3))
        out.append(f'[gallery ids="{ids}"]')
    return "\n\n".join(out)


def write_export(path: Path, uploads: Path, posts: int, photos: int) -> None:
    from PIL import Image

    rng = random.Random(1)
    folder = uploads / "2020" / "01"
    folder.mkdir(parents=True)
    for i in range(photos):
        picture = Image.new("RGB", (320, 240), (i % 256, (i * 7) % 256, (i * 13) % 256))
        out = io.BytesIO()
        picture.save(out, format="JPEG", quality=70)
        (folder / f"photo-{100000 + i}.jpg").write_bytes(out.getvalue())
    authors = [f"bulkwriter{i}" for i in range(8)]
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"\n'
            '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n<channel>\n'
            "\t<title>Bulk</title>\n\t<link>http://bulk.example</link>\n"
            "\t<wp:wxr_version>1.2</wp:wxr_version>\n"
            "\t<wp:base_site_url>http://bulk.example</wp:base_site_url>\n"
            "\t<wp:base_blog_url>http://bulk.example</wp:base_blog_url>\n"
        )
        for i, login in enumerate(authors):
            out.write(
                f"\t<wp:author><wp:author_id>{i + 1}</wp:author_id><wp:author_login>"
                f"{cdata(login)}</wp:author_login><wp:author_display_name>"
                f"{cdata(f'Bulk Writer {i}')}</wp:author_display_name></wp:author>\n"
            )
        for i in range(40):
            parent = f"section-{i % 5}" if i >= 5 else ""
            out.write(
                f"\t<wp:category><wp:term_id>{i + 1}</wp:term_id><wp:category_nicename>"
                f"{cdata(f'section-{i}')}</wp:category_nicename><wp:category_parent>"
                f"{cdata(parent)}</wp:category_parent><wp:cat_name>"
                f"{cdata(f'Bulk Section {i}')}</wp:cat_name></wp:category>\n"
            )
        for i in range(photos):
            wp_id = 100000 + i
            name = f"2020/01/photo-{wp_id}.jpg"
            out.write(
                f"\t<item>\n\t\t<title>{cdata(f'Bulk photo {wp_id}')}</title>\n"
                f"\t\t<link>http://bulk.example/photo-{wp_id}/</link>\n"
                f"\t\t<dc:creator>{cdata(authors[0])}</dc:creator>\n"
                "\t\t<content:encoded><![CDATA[]]></content:encoded>\n"
                f"\t\t<excerpt:encoded>{cdata(f'Bulk photo {wp_id}')}</excerpt:encoded>\n"
                f"\t\t<wp:post_id>{wp_id}</wp:post_id>\n"
                "\t\t<wp:post_date_gmt><![CDATA[2020-01-01 12:00:00]]></wp:post_date_gmt>\n"
                "\t\t<wp:status><![CDATA[inherit]]></wp:status>\n"
                "\t\t<wp:post_type><![CDATA[attachment]]></wp:post_type>\n"
                f"\t\t<wp:attachment_url>{cdata('http://bulk.example/wp-content/uploads/' + name)}"
                "</wp:attachment_url>\n"
                "\t\t<wp:postmeta><wp:meta_key><![CDATA[_wp_attached_file]]></wp:meta_key>"
                f"<wp:meta_value>{cdata(name)}</wp:meta_value></wp:postmeta>\n"
                "\t\t<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key>"
                f"<wp:meta_value>{cdata(f'Generated picture {wp_id}')}</wp:meta_value>"
                "</wp:postmeta>\n\t</item>\n"
            )
        for n in range(posts):
            wp_id = n + 1
            day = 1 + n % 28
            categories = "".join(
                f'\t\t<category domain="category" nicename="section-{c}">'
                f"{cdata(f'Bulk Section {c}')}</category>\n"
                for c in {rng.randrange(40) for _ in range(2)}
            )
            tags = "".join(
                f'\t\t<category domain="post_tag" nicename="bulk-tag-{t}">'
                f"{cdata(f'Bulk Tag {t}')}</category>\n"
                for t in {rng.randrange(300) for _ in range(4)}
            )
            coauthors = ""
            if n % 4 == 0:
                coauthors = "".join(
                    f'\t\t<category domain="author" nicename="cap-{a}">{cdata(a)}</category>\n'
                    for a in rng.sample(authors, 2)
                )
            out.write(
                f"\t<item>\n\t\t<title>{cdata(f'Bulk post {n:05d} &amp; more')}</title>\n"
                f"\t\t<link>http://bulk.example/2020/01/{day:02d}/bulk-post-{n:05d}/</link>\n"
                f"\t\t<dc:creator>{cdata(authors[n % len(authors)])}</dc:creator>\n"
                f"\t\t<content:encoded>{cdata(body(rng, n, posts, photos, n % 2 == 0))}"
                "</content:encoded>\n"
                f"\t\t<excerpt:encoded>{cdata(sentence(rng))}</excerpt:encoded>\n"
                f"\t\t<wp:post_id>{wp_id}</wp:post_id>\n"
                f"\t\t<wp:post_date_gmt>{cdata(f'2020-01-{day:02d} 12:00:00')}</wp:post_date_gmt>\n"
                f"\t\t<wp:post_modified_gmt>{cdata(f'2020-01-{day:02d} 13:00:00')}"
                "</wp:post_modified_gmt>\n"
                f"\t\t<wp:post_name>{cdata(f'bulk-post-{n:05d}')}</wp:post_name>\n"
                f"\t\t<wp:status>{cdata('draft' if n % 10 == 9 else 'publish')}</wp:status>\n"
                "\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n"
                "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n"
                f"{categories}{tags}{coauthors}"
                "\t\t<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key>"
                f"<wp:meta_value>{cdata(str(100000 + rng.randrange(photos)))}</wp:meta_value>"
                "</wp:postmeta>\n\t</item>\n"
            )
        out.write("</channel>\n</rss>\n")


def site_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    env.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        CACHE_URL="",
        CACHE_DIR=str(folder / "cache"),
        MEDIA_ROOT=str(folder / "media"),
        STATIC_ROOT=str(folder / "static"),
        SENTRY_DSN="",
        LOG_LEVEL="WARNING",
    )
    return env


def measured(env: dict[str, str], *args: str) -> tuple[float, float, float, str]:
    """Wall-clock seconds, CPU seconds and peak resident MB of one `manage.py` process, and its
    output. On a busy machine the CPU time is the steadier figure."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output}")
    # ru_maxrss is in kilobytes on Linux.
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--photos", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="Keep the temporary site.")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-wordpress-"))
    try:
        export = folder / "export.xml"
        uploads = folder / "uploads"
        started = time.monotonic()
        write_export(export, uploads, args.posts, args.photos)
        size = export.stat().st_size / 1024 / 1024
        print(
            f"Generated {args.posts:,} posts and {args.photos} photos ({size:.0f} MB) in "
            f"{time.monotonic() - started:.1f} s"
        )
        env = site_env(folder)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        # As `make serve` does: static files first, for the seed story's snapshot.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        subprocess.run(
            [sys.executable, "manage.py", "seed"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        command = ["import_wordpress", str(export), "--media-dir", str(uploads)]
        load = os.getloadavg()
        results = {}
        for run in ("first", "again"):
            seconds, cpu, mb, output = measured(env, *command)
            results[run] = (seconds, cpu, mb)
            summary = [line for line in output.splitlines() if line.startswith(("Posts", "Photos"))]
            print(
                f"{run}: {seconds:.1f} s ({cpu:.1f} s CPU), peak {mb:.0f} MB; " + "; ".join(summary)
            )
        print()
        print(
            f"CPython {platform.python_version()}, SQLite, the file cache; {os.cpu_count()} cores"
        )
        print(f"load average before: {load[0]:.1f}; after: {os.getloadavg()[0]:.1f}")
        print("| run | s | CPU s | target s | peak MB | target MB |")
        print("|---|---:|---:|---:|---:|---:|")
        missed = False
        for run, (seconds, cpu, mb) in results.items():
            time_target, memory_target = TARGETS[run]
            missed |= seconds > time_target or (memory_target is not None and mb > memory_target)
            shown = f"{memory_target:.0f}" if memory_target else "-"
            label = "import" if run == "first" else "re-run, same file"
            print(
                f"| {label} | {seconds:.1f} | {cpu:.1f} | {time_target:.0f} | {mb:.0f} | {shown} |"
            )
        return 1 if missed else 0
    finally:
        if args.keep:
            print(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.exit(main())
