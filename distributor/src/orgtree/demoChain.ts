import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Writes the demo chain's org files (provisioning/orgtree): a snack chain with a head office, five
 * regions, sixteen areas and 300 stores. Deterministic: the same files on every run, so the committed
 * files can be regenerated and compared. Run: node --import tsx distributor/src/orgtree/demoChain.ts DIR
 */

interface City {
  prefix: string;
  name: string;
  stores: number;
  places: string[];
}

interface Area {
  code: string;
  name: string;
  cities: City[];
}

const city = (prefix: string, name: string, stores: number, places: string) => ({
  prefix,
  name,
  stores,
  places: places.split(', '),
});

const SHANGHAI_PUXI = city(
  'SH',
  'Shanghai',
  20,
  "Nanjing Rd, Huaihai Rd, Xujiahui, Jing'an Temple, People's Square, Zhongshan Park, Wujiaochang, Hongqiao, Tianzifang, North Bund",
);
const SHANGHAI_PUDONG = city(
  'SH',
  'Shanghai',
  20,
  'Lujiazui, Century Ave, Zhangjiang, Jinqiao, Huamu, Sanlin, Zhoupu, Chuansha, Kangqiao, Lingang',
);

const REGIONS: { code: string; name: string; areas: Area[] }[] = [
  {
    code: 'EAST',
    name: 'East Region',
    areas: [
      // Shanghai's stores are numbered across the city and alternate between its two areas: SH001 is in
      // Puxi, SH002 in Pudong.
      { code: 'EAST-PUXI', name: 'Shanghai Puxi', cities: [SHANGHAI_PUXI] },
      { code: 'EAST-PUDONG', name: 'Shanghai Pudong', cities: [SHANGHAI_PUDONG] },
      {
        code: 'EAST-JIANGSU',
        name: 'Jiangsu',
        cities: [
          city(
            'NJ',
            'Nanjing',
            14,
            'Xinjiekou, Confucius Temple, Hunan Rd, Gulou, Hexi, Xianlin, Jiangning, Zhujiang Rd, Xuanwu Lake, Olympic Center',
          ),
          city(
            'SU',
            'Suzhou',
            12,
            'Guanqian St, Shilu, Jinji Lake, Pingjiang Rd, Shishan, Times Square, Xiangcheng, Wuzhong, Suzhou Center, Industrial Park',
          ),
        ],
      },
      {
        code: 'EAST-ZHEJIANG',
        name: 'Zhejiang',
        cities: [
          city(
            'HZ',
            'Hangzhou',
            14,
            'West Lake, Wulin Square, Hubin, Qianjiang New City, Binjiang, Xixi, Gongshu, Xiaoshan, Linping, Xiasha',
          ),
          city(
            'NB',
            'Ningbo',
            8,
            'Tianyi Square, Gulou, Dongbu New City, Laowaitan, Yinzhou, Zhenhai, Beilun, Moon Lake',
          ),
        ],
      },
    ],
  },
  {
    code: 'NORTH',
    name: 'North Region',
    areas: [
      {
        code: 'NORTH-BEIJING',
        name: 'Beijing',
        cities: [
          city(
            'BJ',
            'Beijing',
            30,
            'Wangfujing, Sanlitun, Xidan, Zhongguancun, Guomao, Qianmen, Wudaokou, Wangjing, Shuangjing, Xizhimen',
          ),
        ],
      },
      {
        code: 'NORTH-TIANJIN',
        name: 'Tianjin',
        cities: [
          city(
            'TJ',
            'Tianjin',
            14,
            'Binjiang Ave, Heping Rd, Five Avenues, Ancient Culture St, Nankai, Hexi, Binhai, Tianjin Station, Xiaobailou, Dayuecheng',
          ),
        ],
      },
      {
        code: 'NORTH-SHANDONG',
        name: 'Shandong',
        cities: [
          city(
            'JN',
            'Jinan',
            8,
            'Quancheng Square, Baotu Spring, Daming Lake, Lixia, Shizhong, Huaiyin, Licheng, Changqing',
          ),
          city(
            'QD',
            'Qingdao',
            10,
            'Zhanqiao, Taidong, May Fourth Square, Licun, Laoshan, Huangdao, Shinan, Badaguan, Chengyang, Jimo',
          ),
        ],
      },
    ],
  },
  {
    code: 'SOUTH',
    name: 'South Region',
    areas: [
      {
        code: 'SOUTH-GUANGZHOU',
        name: 'Guangzhou',
        cities: [
          city(
            'GZ',
            'Guangzhou',
            24,
            'Beijing Rd, Shangxiajiu, Tianhe City, Zhujiang New Town, Panyu, Baiyun, Huangpu, Yuexiu, Haizhu, Liwan',
          ),
        ],
      },
      {
        code: 'SOUTH-SHENZHEN',
        name: 'Shenzhen',
        cities: [
          city(
            'SZ',
            'Shenzhen',
            24,
            "Dongmen, Huaqiangbei, Coastal City, Nanshan, Futian, Luohu, Bao'an, Longgang, Shekou, Qianhai",
          ),
        ],
      },
      {
        code: 'SOUTH-FUJIAN',
        name: 'Fujian',
        cities: [
          city(
            'XM',
            'Xiamen',
            8,
            'Zhongshan Rd, Gulangyu, Siming, Huli, Jimei, Haicang, Xiamen University, Wuyuan Bay',
          ),
          city('FZ', 'Fuzhou', 6, "Three Lanes, Dongjiekou, Wuyi Square, Cangshan, Gulou, Jin'an"),
        ],
      },
    ],
  },
  {
    code: 'WEST',
    name: 'West Region',
    areas: [
      {
        code: 'WEST-SICHUAN',
        name: 'Sichuan',
        cities: [
          city(
            'CD',
            'Chengdu',
            18,
            'Chunxi Rd, Taikoo Li, Kuanzhai Alley, Tianfu Square, Jinli, Hi-Tech Zone, Jiuyanqiao, Shuangliu, Wenshu, Wuhou',
          ),
        ],
      },
      {
        code: 'WEST-CHONGQING',
        name: 'Chongqing',
        cities: [
          city(
            'CQ',
            'Chongqing',
            16,
            'Jiefangbei, Guanyinqiao, Hongyadong, Shapingba, Yangjiaping, Nanping, Jiangbei, Ciqikou, Liziba, Dadukou',
          ),
        ],
      },
      {
        code: 'WEST-SHAANXI',
        name: 'Shaanxi',
        cities: [
          city(
            'XA',
            "Xi'an",
            12,
            "Bell Tower, Drum Tower, Big Wild Goose Pagoda, Xiaozhai, Qujiang, Hi-Tech Zone, Muslim Quarter, Weiyang, Chang'an, Lintong",
          ),
        ],
      },
    ],
  },
  {
    code: 'CENTRAL',
    name: 'Central Region',
    areas: [
      {
        code: 'CENTRAL-HUBEI',
        name: 'Hubei',
        cities: [
          city(
            'WH',
            'Wuhan',
            18,
            'Jianghan Rd, Chuhehan St, Optics Valley, Hankou, Wuchang, Hanyang, Jiedaokou, Zhongnan, Wangjiawan, Xudong',
          ),
        ],
      },
      {
        code: 'CENTRAL-HUNAN',
        name: 'Hunan',
        cities: [
          city(
            'CS',
            'Changsha',
            12,
            'Wuyi Square, Huangxing Rd, Orange Isle, Meixi Lake, Furong, Yuelu, Kaifu, Tianxin, Yuhua, Wangcheng',
          ),
        ],
      },
      {
        code: 'CENTRAL-HENAN',
        name: 'Henan',
        cities: [
          city(
            'ZZ',
            'Zhengzhou',
            12,
            'Erqi Square, Zijingshan, Zhengdong New Area, Huayuan Rd, Jinshui, Zhongyuan, Guancheng, Huiji, Erqi Tower, High-Tech Zone',
          ),
        ],
      },
    ],
  },
];

/** A second store at the same place gets a landmark so that every store name is distinct. */
const LANDMARKS = ['', ' Metro', ' Mall', ' Station'];

const SURNAMES = [
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Chen',
  'Yang',
  'Huang',
  'Zhao',
  'Wu',
  'Zhou',
  'Xu',
  'Sun',
  'Ma',
  'Zhu',
  'Hu',
  'Guo',
  'He',
  'Lin',
  'Gao',
  'Luo',
];
const GIVEN = [
  'Wei',
  'Fang',
  'Min',
  'Jing',
  'Lei',
  'Yan',
  'Jun',
  'Hui',
  'Tao',
  'Xin',
  'Ping',
  'Gang',
  'Ying',
  'Hao',
  'Lan',
  'Qiang',
  'Mei',
  'Bo',
  'Na',
  'Yu',
  'Chao',
];

interface Store {
  code: string;
  name: string;
  area: string;
  city: string;
}

export function demoStores(): Store[] {
  const stores: Store[] = [];
  for (const region of REGIONS) {
    for (const area of region.areas) {
      for (const c of area.cities) {
        if (c.prefix === 'SH') continue;
        for (let i = 0; i < c.stores; i++) stores.push(store(c, i + 1, i, area.code));
      }
    }
  }
  for (let i = 0; i < SHANGHAI_PUXI.stores + SHANGHAI_PUDONG.stores; i++) {
    const [place, area] = i % 2 === 0 ? [SHANGHAI_PUXI, 'EAST-PUXI'] : [SHANGHAI_PUDONG, 'EAST-PUDONG'];
    stores.push(store(place, i + 1, Math.floor(i / 2), area));
  }
  return stores.sort((a, b) => a.code.localeCompare(b.code));
}

function store(c: City, number: number, placeIndex: number, area: string): Store {
  const place = c.places[placeIndex % c.places.length]!;
  const landmark = LANDMARKS[Math.floor(placeIndex / c.places.length)]!;
  return {
    code: `${c.prefix}${String(number).padStart(3, '0')}`,
    name: `${c.name} ${place}${landmark}`,
    area,
    city: c.name,
  };
}

const personName = (index: number) => `${SURNAMES[index % SURNAMES.length]} ${GIVEN[(index * 7 + 3) % GIVEN.length]}`;

const quote = (value: string) => (/^[A-Za-z][A-Za-z0-9 ._-]*$/.test(value) ? value : JSON.stringify(value));

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The demo org folder: file name → contents. */
export function demoChainFiles(): Record<string, string> {
  return {
    'roles.yaml': rolesYaml(),
    'units.yaml': unitsYaml(),
    'stores.csv': storesCsv(),
    'people.yaml': peopleYaml(),
    'store-managers.yaml': storeManagersYaml(),
  };
}

function rolesYaml(): string {
  return `# What each role may do inside the units it is mapped to (and everything below them).
roles:
  - name: analyst
    description: Builds dashboards and reads every row in scope; contact details masked
    permissions: [see_rows, receive_reports]
  - name: region_manager
    description: Runs a region or an area; contact details masked
    permissions: [see_rows, receive_reports]
  - name: store_manager
    description: Runs one store and may call customers back
    permissions: [see_rows, see_contacts, receive_reports]
  - name: cx_admin
    description: Owns the customer-experience programme and administers mappings
    permissions: [see_rows, see_contacts, admin, receive_reports]
`;
}

function unitsYaml(): string {
  const lines = [
    '# Head office, regions and areas. The stores come from the HR export in stores.csv.',
    'units:',
    '  - code: HQ',
    '    name: Head Office',
    '    kind: head_office',
  ];
  for (const region of REGIONS) {
    lines.push('', `  - code: ${region.code}`, `    name: ${region.name}`, '    kind: region', '    parent: HQ');
    for (const area of region.areas) {
      lines.push(`  - code: ${area.code}`, `    name: ${area.name}`, '    kind: area', `    parent: ${region.code}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function storesCsv(): string {
  const rows = demoStores().map((s) => [s.code, s.name, 'Store', s.area, s.city].map(csvCell).join(','));
  return `Unit Code,Unit Name,Unit Type,Parent Code,City\n${rows.join('\n')}\n`;
}

function peopleYaml(): string {
  return `# The demo's named logins. Emails are <login>@orgscope.example.
people:
  - login: admin
    email: admin@orgscope.example
    name: Chain Admin
    mappings: [{ unit: HQ, role: cx_admin }]
  - login: hq.analyst
    email: hq.analyst@orgscope.example
    name: Chen Jing
    mappings: [{ unit: HQ, role: analyst }]
  - login: east.manager
    email: east.manager@orgscope.example
    name: Zhou Lei
    mappings: [{ unit: EAST, role: region_manager }]
  - login: store.sh001
    email: store.sh001@orgscope.example
    name: Lin Fang
    mappings: [{ unit: SH001, role: store_manager }]
  - login: store.sh002
    email: store.sh002@orgscope.example
    name: Xu Min
    mappings: [{ unit: SH002, role: store_manager }]

# Grafana teams, by their exact name in Grafana.
teams:
  - name: East Area Leads
    mappings: [{ unit: EAST-PUXI, role: region_manager }]
`;
}

function storeManagersYaml(): string {
  const entries = demoStores().map((s, index) => {
    const login = `sm.${s.code.toLowerCase()}`;
    return [
      `  - login: ${login}`,
      `    email: ${login}@orgscope.example`,
      `    name: ${quote(personName(index))}`,
      `    mappings: [{ unit: ${s.code}, role: store_manager }]`,
    ].join('\n');
  });
  return `# One manager per store (sm.<store code>), each mapped to their own store.\npeople:\n${entries.join('\n')}\n`;
}

async function main(dir: string): Promise<void> {
  for (const [name, text] of Object.entries(demoChainFiles())) {
    await writeFile(path.join(dir, name), text);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node --import tsx distributor/src/orgtree/demoChain.ts DIR\n');
    process.exitCode = 1;
  } else {
    await main(dir);
  }
}
